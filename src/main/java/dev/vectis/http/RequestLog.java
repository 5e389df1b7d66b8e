package dev.vectis.http;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** One access-log line and one latency sample per request, keyed by route template, not raw path. */
final class RequestLog {

    private static final Logger ACCESS = LoggerFactory.getLogger("vectis.access");
    static final String MDC_KEY = "request_id";

    private final MeterRegistry registry;

    RequestLog(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(Context ctx, Float millis) {
        String route = routeTemplate(ctx);
        int status = ctx.statusCode();
        float ms = millis == null ? 0f : millis;
        Timer.builder("http.server.requests")
                .description("HTTP requests by route template and status")
                .tag("method", ctx.method().name())
                .tag("route", route)
                .tag("status", Integer.toString(status))
                .publishPercentileHistogram()
                .register(registry)
                .record((long) (ms * 1_000_000L), TimeUnit.NANOSECONDS);
        MDC.put(MDC_KEY, RequestIds.of(ctx));
        ACCESS.info("{} {} {} {}ms", ctx.method().name(), route, status, String.format("%.1f", ms));
        MDC.remove(MDC_KEY);
    }

    /** Unmatched requests share one label, so scanners cannot blow up the metric's cardinality. */
    static String routeTemplate(Context ctx) {
        try {
            Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
            return endpoint == null ? "unmatched" : endpoint.path;
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }
}
