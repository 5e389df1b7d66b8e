package dev.vectis.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.config.Settings;
import dev.vectis.error.VectisException;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.javalin.util.ConcurrencyUtil;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The HTTP front door: one Javalin app on the main port and any extra ports, with the
 * cross-cutting behaviour every contract shares (request ids, security headers, CORS,
 * body cap, access log, metrics, error rendering) and each contract's routes.
 */
public final class HttpServer {

    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    private static final int MAX_PLATFORM_THREADS = 200;
    private static final long IDLE_CLOSE_ON_STOP_MILLIS = 50;
    /**
     * Javalin copies every response body to Jetty through a buffer of this size, allocated per
     * request (by default Jetty's 32 KiB output buffer): most answers are well under 4 KiB, and
     * larger ones go in several writes that Jetty's own buffer gathers again.
     */
    static final int RESPONSE_COPY_BUFFER = 4096;

    private final Javalin app;
    private final boolean virtualThreads;
    private final ClientAddress clients;
    private final Settings.ClientLimits limits;
    private RequestGuard guard;
    private IdleOnStop idleOnStop;

    /** @param maxUploadBytes the cap for multipart bodies (file uploads), which outgrow ordinary requests */
    public HttpServer(Settings.Server settings, long maxUploadBytes, ObjectMapper mapper, MeterRegistry registry,
                      List<ContractApi> apis, ErrorRenderer errors) {
        this(settings, maxUploadBytes, mapper, registry, apis, errors, RateLimiter.disabled());
    }

    /** As above, with every contract's requests counted by the rate limiter's policies. */
    public HttpServer(Settings.Server settings, long maxUploadBytes, ObjectMapper mapper, MeterRegistry registry,
                      List<ContractApi> apis, ErrorRenderer errors, RateLimiter limiter) {
        this.virtualThreads = Runtime.version().feature() >= 21;
        this.clients = new ClientAddress(settings.trustedProxies());
        this.limits = settings.clients();
        SecurityHeaders security = new SecurityHeaders(clients);
        Cors cors = new Cors(settings.corsAllowedOrigins());
        RequestLog requestLog = new RequestLog(registry);

        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jsonMapper(new JavalinJackson(mapper, virtualThreads));
            config.http.maxRequestSize = settings.maxBodyBytes();
            config.http.responseBufferSize = RESPONSE_COPY_BUFFER;
            config.http.prefer405over404 = true;
            // The upload's own handler enforces maxUploadBytes with a clear 413; Jetty's limits sit just above it.
            config.jetty.multipartConfig.maxFileSize(maxUploadBytes + (1 << 20), SizeUnit.BYTES);
            config.jetty.multipartConfig.maxTotalRequestSize(maxUploadBytes + (1 << 20), SizeUnit.BYTES);
            config.jetty.multipartConfig.maxInMemoryFileSize(1, SizeUnit.MB);
            config.concurrency.useVirtualThreads = virtualThreads;
            config.jetty.threadPool = ConcurrencyUtil.jettyThreadPool("vectis-http", 8, MAX_PLATFORM_THREADS, virtualThreads);
            config.jetty.host = settings.host();
            config.jetty.port = settings.port();
            for (int extra : settings.extraPorts()) {
                config.jetty.addConnector((server, httpConfig) -> {
                    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
                    connector.setHost(settings.host());
                    connector.setPort(extra);
                    return connector;
                });
            }
            config.jetty.modifyHttpConfiguration(http -> {
                // Jetty reuses a connection's earlier header values when a new one matches
                // ignoring case: an upper-cased token would be read as the earlier, valid one.
                http.setHeaderCacheCaseSensitive(true);
                http.setSendServerVersion(false);
                // Streamed uploads that crawl below this rate end with a 408; buffered bodies have their own deadline.
                http.setMinRequestDataRate(settings.clients().minBytesPerSecond());
            });
            config.jetty.modifyServer(server -> {
                server.setErrorHandler(new JettyErrors(mapper, errors, errors.clock()));
                // In-flight requests get shutdown_timeout to finish; new ones are refused meanwhile.
                server.setStopTimeout(settings.shutdownTimeout().toMillis());
                GracefulHandler graceful = new GracefulHandler();
                guard = new RequestGuard(clients, settings.clients().requestsPerAddress(),
                        settings.maxBodyBytes(), settings.clients().bodyTimeout(), server.getScheduler());
                idleOnStop = new IdleOnStop(IDLE_CLOSE_ON_STOP_MILLIS);
                idleOnStop.setHandler(guard);
                graceful.setHandler(idleOnStop);
                server.setHandler(graceful);
            });
            config.requestLogger.http(requestLog::record);

            config.routes.before(ctx -> {
                MDC.put(RequestLog.MDC_KEY, RequestIds.assign(ctx));
                security.before(ctx);
                if (cors.handle(ctx)) {
                    ctx.skipRemainingHandlers();
                    return;
                }
                limiter.apply(ctx, clients.ip(ctx), ContractApi.owner(apis, ctx.method().name(), ctx.path()));
                InputChecks.refuseUnstorable(ctx);
                InputChecks.refuseUnknownCharset(ctx);
                String type = ctx.header("Content-Type");
                long cap = type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/")
                        ? maxUploadBytes + (1 << 20) : settings.maxBodyBytes();
                if (ctx.req().getContentLengthLong() > cap) {
                    throw new VectisException(VectisException.Kind.PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE",
                            "The request body is larger than " + cap + " bytes");
                }
            });
            config.routes.beforeMatched(InputChecks::refuseUnstorablePathParams);
            config.routes.after(security::after);
            for (ContractApi api : apis) {
                api.routes(config.routes);
            }
            config.routes.exception(VectisException.class, (e, ctx) -> errors.render(ctx, e));
            config.routes.exception(com.fasterxml.jackson.core.JsonProcessingException.class,
                    (e, ctx) -> errors.render(ctx, JsonBody.invalid(e)));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> {
                if (e.getStatus() == 405) {
                    // RFC 9110: a 405 names the methods the resource does support.
                    String allowed = String.join(", ", e.getDetails().values()).replaceAll("[\\[\\]]", "");
                    ctx.header("Allow", allowed);
                    errors.render(ctx, 405, "Method " + ctx.method().name() + " is not allowed here; allowed: " + allowed);
                    return;
                }
                errors.render(ctx, e.getStatus(), e.getMessage());
            });
            config.routes.exception(jakarta.servlet.ServletException.class, (e, ctx) -> {
                BadMessageException bad = badMessage(e);
                if (bad != null) {
                    errors.render(ctx, bad.getCode(), "Malformed request: " + bad.getReason());
                } else {
                    errors.renderUnexpected(ctx, e);
                }
            });
            config.routes.exception(Exception.class, (e, ctx) -> errors.renderUnexpected(ctx, e));
            for (int status : new int[] {404, 405, 413, 500}) {
                config.routes.error(status, "*", ctx -> {
                    if (!ErrorRenderer.rendered(ctx)) {
                        errors.render(ctx, status, status == 404
                                ? "No route for " + ctx.method().name() + " " + ctx.path()
                                : io.javalin.http.HttpStatus.forStatus(status).getMessage());
                    }
                });
            }
        });
    }

    /** Jetty's word that the request itself was malformed (a broken multipart body, say). */
    private static BadMessageException badMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BadMessageException bad) {
                return bad;
            }
        }
        return null;
    }

    public void start() {
        app.start();
        org.eclipse.jetty.server.Server server = app.jettyServer().server();
        ConnectionCap cap = new ConnectionCap(limits.connectionsPerAddress(), limits.headerTimeout(), clients,
                server.getScheduler());
        for (org.eclipse.jetty.server.Connector c : server.getConnectors()) {
            c.addEventListener(cap);
            if (c instanceof org.eclipse.jetty.server.AbstractConnector connector) {
                // IdleOnStop closes the idle ones; Jetty's rule would cut in-flight responses too.
                connector.setShutdownIdleTimeout(-1);
            }
        }
        if (virtualThreads) {
            LOG.info("Listening on {}; handlers run on virtual threads", server.getURI());
        } else {
            LOG.warn("Listening on {}; handlers run on a pool of up to {} platform threads (Java {}), which long "
                    + "polls and event streams can use up; Java 21 or newer runs them on virtual threads",
                    server.getURI(), MAX_PLATFORM_THREADS, Runtime.version().feature());
        }
    }

    /** Requests from this client address being handled now. */
    int inFlight(String ip) {
        return guard.inFlight(ip);
    }

    /** Every route the contracts registered, as "METHOD /path": what tests walk to reach each one. */
    public List<String> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .filter(e -> e.endpoint.method.isHttpMethod())
                .map(e -> e.endpoint.method.name() + " " + e.endpoint.path)
                .distinct().sorted().toList();
    }

    /** The main port (useful when configured as 0). */
    public int port() {
        return app.port();
    }

    /** Stops accepting, lets in-flight requests finish within the shutdown timeout, then closes. */
    public void stop() {
        try {
            idleOnStop.stop(java.util.List.of(app.jettyServer().server().getConnectors()));
            app.stop();
        } catch (RuntimeException e) {
            LOG.warn("Some requests had not finished when the shutdown timeout ran out; they were cut off");
        }
    }
}
