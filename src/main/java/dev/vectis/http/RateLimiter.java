package dev.vectis.http;

import dev.vectis.config.Settings;
import dev.vectis.error.VectisException;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * rate_limit: a token bucket per client IP, shared by every contract. A bucket holds a
 * minute's worth of requests and refills continuously, so a client may burst up to the
 * limit and then goes at the steady rate. Each node counts on its own: the limit protects
 * the node, and a client spread over N nodes gets up to N times the rate.
 */
public final class RateLimiter {

    /** Probes and scrapers must see the server however busy a client is. */
    static final Set<String> EXEMPT = Set.of("/health", "/metrics", "/api/v1/registration/health");
    /** Memory stays bounded under a flood of distinct addresses; beyond this, newcomers share one bucket. */
    static final int MAX_BUCKETS = 100_000;
    static final String OVERFLOW = "overflow";
    private static final long WINDOW_MILLIS = 60_000;

    /** The outcome of one request: allowed or not, and what the headers say. */
    public record Decision(boolean allowed, int limit, int remaining, long resetSeconds, long retryAfterSeconds) {
    }

    private final boolean enabled;
    private final int perMinute;
    private final Clock clock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep;
    private final java.util.function.Predicate<Context> exempt;

    public RateLimiter(Settings.RateLimit settings, Clock clock) {
        this(settings, clock, ctx -> false);
    }

    /**
     * @param exempt requests not to count: the fleet's own machines, which share addresses
     *               behind NAT and poll, heartbeat and stream output far above a person's rate
     */
    public RateLimiter(Settings.RateLimit settings, Clock clock, java.util.function.Predicate<Context> exempt) {
        this.enabled = settings.enabled();
        this.perMinute = settings.requestsPerMinute();
        this.clock = clock;
        this.exempt = exempt;
        this.lastSweep = new AtomicLong(clock.millis());
    }

    /** A limiter that lets everything through. */
    public static RateLimiter disabled() {
        return new RateLimiter(new Settings.RateLimit(false, 60), Clock.systemUTC());
    }

    /** Sets the rate-limit headers; over the limit, throws a 429 that the caller's contract renders in its shape. */
    void apply(Context ctx, String clientIp) {
        if (!enabled || EXEMPT.contains(ctx.path()) || exempt.test(ctx)) {
            return;
        }
        Decision d = take(clientIp);
        ctx.header("RateLimit-Policy", "\"default\";q=" + d.limit() + ";w=" + WINDOW_MILLIS / 1000);
        ctx.header("RateLimit", "\"default\";r=" + d.remaining() + ";t=" + d.resetSeconds());
        ctx.header("X-RateLimit-Limit", Integer.toString(d.limit()));
        ctx.header("X-RateLimit-Remaining", Integer.toString(d.remaining()));
        ctx.header("X-RateLimit-Reset", Long.toString(clock.instant().getEpochSecond() + d.resetSeconds()));
        if (!d.allowed()) {
            ctx.header("Retry-After", Long.toString(d.retryAfterSeconds()));
            throw new VectisException(VectisException.Kind.RATE_LIMITED, "RATE_LIMITED", "Rate limit of "
                    + d.limit() + " requests per minute exceeded; retry in " + d.retryAfterSeconds() + " s");
        }
    }

    /** Spends one request of this client's allowance when there is one. */
    public Decision take(String clientIp) {
        long now = clock.millis();
        sweepIfDue(now);
        String key = buckets.size() >= MAX_BUCKETS && !buckets.containsKey(clientIp) ? OVERFLOW : clientIp;
        Decision[] out = new Decision[1];
        buckets.compute(key, (k, bucket) -> {
            Bucket b = bucket == null ? new Bucket(perMinute, now) : bucket;
            out[0] = b.take(now, perMinute);
            return b;
        });
        return out[0];
    }

    int size() {
        return buckets.size();
    }

    /**
     * Once a window, drops buckets that have been idle long enough to have refilled: a new
     * bucket would be identical, so forgetting them changes nothing but the memory held.
     */
    private void sweepIfDue(long now) {
        long last = lastSweep.get();
        if (now - last < WINDOW_MILLIS || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        for (String key : buckets.keySet()) {
            buckets.computeIfPresent(key, (k, b) -> b.full(now, perMinute) ? null : b);
        }
    }

    /**
     * Counted in exact integers: one request costs {@code WINDOW_MILLIS} units and a millisecond
     * refills {@code perMinute} units, so no rounding drift. Guarded by the map's lock on its
     * key (only touched inside compute).
     */
    private static final class Bucket {
        private long units;
        private long updated;

        Bucket(int perMinute, long now) {
            this.units = perMinute * WINDOW_MILLIS;
            this.updated = now;
        }

        Decision take(long now, int perMinute) {
            refill(now, perMinute);
            boolean allowed = units >= WINDOW_MILLIS;
            if (allowed) {
                units -= WINDOW_MILLIS;
            }
            long capacity = perMinute * WINDOW_MILLIS;
            long reset = seconds(ceilDiv(capacity - units, perMinute));
            long retryAfter = allowed ? 0 : Math.max(1, seconds(ceilDiv(WINDOW_MILLIS - units, perMinute)));
            return new Decision(allowed, perMinute, (int) (units / WINDOW_MILLIS), reset, retryAfter);
        }

        boolean full(long now, int perMinute) {
            refill(now, perMinute);
            return units >= perMinute * WINDOW_MILLIS;
        }

        private void refill(long now, int perMinute) {
            if (now > updated) {
                long capacity = perMinute * WINDOW_MILLIS;
                long elapsed = Math.min(now - updated, WINDOW_MILLIS);
                units = Math.min(capacity, units + elapsed * perMinute);
                updated = now;
            }
        }

        private static long seconds(long millis) {
            return ceilDiv(millis, 1000);
        }

        private static long ceilDiv(long a, long b) {
            return a <= 0 ? 0 : (a + b - 1) / b;
        }
    }
}
