package dev.vectis.http;

import dev.vectis.config.Settings;
import dev.vectis.db.Database;
import dev.vectis.db.Dialect;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * Token buckets kept in PostgreSQL (Bucket4j's table {@code rate_limit_buckets}), so that every
 * node counts against one allowance. A call that counts costs one short transaction that locks
 * its bucket's row. A row expires once its bucket has refilled, when a new bucket would be
 * identical; {@link #sweep()} deletes expired rows.
 */
public final class SharedBuckets {

    /** A database that has not answered by then is treated as down, not waited for. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    static final int SWEEP_BATCH = 1_000;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final PostgreSQLSelectForUpdateBasedProxyManager<String> buckets;
    private final Map<Settings.Rate, BucketConfiguration> configurations = new ConcurrentHashMap<>();

    SharedBuckets(DataSource dataSource, Clock clock) {
        this.buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("rate_limit_buckets")
                .clientClock(meter(clock))
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ZERO))
                .requestTimeout(REQUEST_TIMEOUT)
                .build();
    }

    /** Shared buckets on PostgreSQL, where several nodes may run; none on H2, which runs one node. */
    public static Optional<SharedBuckets> of(Database database, Clock clock) {
        return database.dialect() == Dialect.POSTGRESQL
                ? Optional.of(new SharedBuckets(database.dataSource(), clock))
                : Optional.empty();
    }

    /**
     * Spends one request from bucket {@code id} at {@code rate}; throws when the database
     * cannot be asked. The rate is part of the row's key: a node configured differently, or
     * restarted with a new rate, counts in a bucket of its own rather than under another rate.
     */
    RateLimiter.Decision take(String id, Settings.Rate rate) {
        BucketConfiguration configuration = configurations.computeIfAbsent(rate, SharedBuckets::configuration);
        String key = rate.perMinute() + "/" + rate.burst() + "|" + id;
        ConsumptionProbe probe = buckets.builder().build(key, () -> configuration).tryConsumeAndReturnRemaining(1);
        long retryAfter = probe.isConsumed() ? 0 : Math.max(1, seconds(probe.getNanosToWaitForRefill()));
        return new RateLimiter.Decision(probe.isConsumed(), rate.perMinute(),
                (int) Math.min(Integer.MAX_VALUE, probe.getRemainingTokens()),
                seconds(probe.getNanosToWaitForReset()), retryAfter);
    }

    /** Deletes the rows of buckets that have refilled; returns how many. Nodes may sweep at once. */
    int sweep() {
        int total = 0;
        int removed;
        do {
            removed = buckets.removeExpired(SWEEP_BATCH);
            total += removed;
        } while (removed == SWEEP_BATCH);
        return total;
    }

    private static BucketConfiguration configuration(Settings.Rate rate) {
        return BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(rate.burst()).refillGreedy(rate.perMinute(), Duration.ofMinutes(1)))
                .build();
    }

    /** The node's clock, which tests move by hand, rather than the system's. */
    private static TimeMeter meter(Clock clock) {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return clock.millis() * 1_000_000L;
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
    }

    private static long seconds(long nanos) {
        return nanos <= 0 ? 0 : (nanos + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND;
    }
}
