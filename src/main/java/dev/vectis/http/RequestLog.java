package dev.vectis.http;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** One access-log line and one latency sample per request, keyed by route template, not raw path. */
final class RequestLog {

    /**
     * The latency histogram's bucket bounds, the same for every route. Micrometer's percentile
     * histogram would give each (method, route, status) some seventy buckets, most of them
     * empty: a few routes hit once already made well over a thousand lines per scrape.
     */
    static final Duration[] BUCKETS = {
            Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(10)};

    private static final Logger ACCESS = LoggerFactory.getLogger("vectis.access");
    static final String MDC_KEY = "request_id";

    /** Methods, route templates and statuses are each a small fixed set, so this map stays small. */
    private record Key(String method, String route, int status) {
    }

    private final MeterRegistry registry;
    /** Registering a meter takes the registry's lock and builds its histogram: done once per key, not per request. */
    private final ConcurrentHashMap<Key, Timer> timers = new ConcurrentHashMap<>();

    RequestLog(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(Context ctx, Float millis) {
        String method = ctx.method().name();
        String route = routeTemplate(ctx);
        int status = ctx.statusCode();
        float ms = millis == null ? 0f : millis;
        timers.computeIfAbsent(new Key(method, route, status), this::timer)
                .record((long) (ms * 1_000_000L), TimeUnit.NANOSECONDS);
        if (ACCESS.isInfoEnabled()) {
            MDC.put(MDC_KEY, RequestIds.of(ctx));
            ACCESS.info("{} {} {} {}ms", method, route, status, oneDecimal(ms));
            MDC.remove(MDC_KEY);
        }
    }

    private Timer timer(Key key) {
        return Timer.builder("http.server.requests")
                .description("HTTP requests by route template and status")
                .tag("method", key.method())
                .tag("route", key.route())
                .tag("status", Integer.toString(key.status()))
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    /** "12.3": what String.format("%.1f") gives in an English locale, without the formatter's cost. */
    static String oneDecimal(float ms) {
        long tenths = Math.round((double) ms * 10);
        return (tenths / 10) + "." + (tenths % 10);
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
