package dev.vectis.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.vectis.config.Settings;
import dev.vectis.testing.Http;
import io.javalin.config.RoutesConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Every request gives one latency sample under its route template and one access-log line with its id. */
class RequestLogTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Logger accessLogger = (Logger) LoggerFactory.getLogger("vectis.access");
    private final Lines access = new Lines();
    private HttpServer server;
    private Http http;

    /** Keeps each line as written, its request id read on the thread that wrote it. */
    private static final class Lines extends AppenderBase<ILoggingEvent> {
        final List<ILoggingEvent> list = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent e) {
            e.prepareForDeferredProcessing();
            list.add(e);
        }
    }

    @BeforeEach
    void start() {
        ContractApi things = new ContractApi() {
            @Override
            public boolean owns(String path) {
                return true;
            }

            @Override
            public ErrorShape errorShape() {
                return new HouseErrors();
            }

            @Override
            public void routes(RoutesConfig routes) {
                routes.get("/things/{id}", ctx -> ctx.result("thing " + ctx.pathParam("id")));
            }
        };
        List<ContractApi> apis = List.of(things);
        server = new HttpServer(new Settings.Server("127.0.0.1", 0, List.of(), List.of(), List.of(), 64 * 1024,
                Duration.ofSeconds(5), Settings.ClientLimits.DEFAULT), 1 << 20, Json.mapper(), registry, apis,
                new ErrorRenderer(apis, new HouseErrors(), Clock.systemUTC()));
        server.start();
        http = new Http("http://127.0.0.1:" + server.port());
        access.start();
        accessLogger.addAppender(access);
        accessLogger.setAdditive(false);
    }

    @AfterEach
    void stop() {
        accessLogger.detachAppender(access);
        accessLogger.setAdditive(true);
        accessLogger.setLevel(null);
        server.stop();
    }

    @Test
    void requestsOfOneRouteAndStatusShareOneSeries() {
        for (int i = 0; i < 3; i++) {
            assertThat(http.get("/things/" + i).status()).isEqualTo(200);
        }
        http.get("/nothing/here");
        String scrape = registry.scrape();
        assertThat(scrape).containsPattern(
                "http_server_requests_seconds_count\\{method=\"GET\",route=\"/things/\\{id}\",status=\"200\"} 3(\\.0)?\n");
        assertThat(scrape).containsPattern(
                "http_server_requests_seconds_count\\{method=\"GET\",route=\"unmatched\",status=\"404\"} 1(\\.0)?\n");
        assertThat(scrape).contains("http_server_requests_seconds_bucket{method=\"GET\",route=\"/things/{id}\"");
    }

    @Test
    void theAccessLineNamesTheRouteAndCarriesTheRequestId() {
        accessLogger.setLevel(Level.INFO);
        Http.Response r = http.get("/things/7", RequestIds.HEADER, "trace-42");
        assertThat(r.header(RequestIds.HEADER)).isEqualTo("trace-42");
        // The line is written once the response is complete, after the client may have read it.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !access.list.isEmpty());
        ILoggingEvent line = access.list.get(0);
        assertThat(line.getFormattedMessage()).matches("GET /things/\\{id} 200 [0-9]+\\.[0-9]ms");
        assertThat(line.getMDCPropertyMap()).containsEntry(RequestLog.MDC_KEY, "trace-42");
    }

    @Test
    void noAccessLineIsMadeWhenItsLevelIsOff() {
        accessLogger.setLevel(Level.WARN);
        http.get("/things/7");
        http.get("/things/8");
        assertThat(access.list).isEmpty();
        assertThat(registry.scrape()).containsPattern(
                "http_server_requests_seconds_count\\{method=\"GET\",route=\"/things/\\{id}\",status=\"200\"} 2(\\.0)?\n");
    }

    @Test
    void millisecondsAreWrittenWithOneDecimal() {
        assertThat(RequestLog.oneDecimal(0f)).isEqualTo("0.0");
        assertThat(RequestLog.oneDecimal(12.34f)).isEqualTo("12.3");
        assertThat(RequestLog.oneDecimal(0.96f)).isEqualTo("1.0");
        assertThat(RequestLog.oneDecimal(1234.05f)).isIn("1234.0", "1234.1");
    }

    @Test
    void generatedRequestIdsAreVersion4Uuids() {
        String id = RequestIds.newId();
        assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(RequestIds.newId()).isNotEqualTo(id);
    }
}
