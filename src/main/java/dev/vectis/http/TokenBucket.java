package dev.vectis.http;

import dev.vectis.config.Settings;

/**
 * One bucket of a policy. Counted in exact integers: a request costs {@code WINDOW_MILLIS}
 * units and a millisecond refills {@code perMinute} units, so no rounding drift. Not
 * thread-safe: the limiter touches a bucket only inside its map's compute for that key.
 */
final class TokenBucket {

    static final long WINDOW_MILLIS = 60_000;

    private final Settings.Rate rate;
    private final long capacity;
    private long units;
    private long updated;

    TokenBucket(Settings.Rate rate, long now) {
        this.rate = rate;
        this.capacity = rate.burst() * WINDOW_MILLIS;
        this.units = capacity;
        this.updated = now;
    }

    RateLimiter.Decision take(long now) {
        refill(now);
        boolean allowed = units >= WINDOW_MILLIS;
        if (allowed) {
            units -= WINDOW_MILLIS;
        }
        long reset = seconds(ceilDiv(capacity - units, rate.perMinute()));
        long retryAfter = allowed ? 0 : Math.max(1, seconds(ceilDiv(WINDOW_MILLIS - units, rate.perMinute())));
        return new RateLimiter.Decision(allowed, rate.perMinute(), (int) (units / WINDOW_MILLIS), reset, retryAfter);
    }

    /** True when the bucket has refilled: a new one would be identical, so it can be forgotten. */
    boolean full(long now) {
        refill(now);
        return units >= capacity;
    }

    private void refill(long now) {
        if (now > updated) {
            // Past capacity / perMinute milliseconds the bucket is full anyway; the cap keeps the product in range.
            long elapsed = Math.min(now - updated, capacity);
            units = Math.min(capacity, units + elapsed * rate.perMinute());
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
