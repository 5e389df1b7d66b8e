package dev.vectis.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vectis.config.Settings;
import dev.vectis.db.Database;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/** Buckets in PostgreSQL count like the in-memory ones and leave no rows behind once refilled. */
class SharedBucketsTest {

    @DbTest
    void countsLikeTheInMemoryBuckets(TestDatabase db) {
        Assumptions.assumeTrue(db.isPostgres(), "buckets are shared through PostgreSQL");
        MutableClock clock = new MutableClock();
        try (Database database = db.open()) {
            SharedBuckets shared = new SharedBuckets(database.dataSource(), clock);
            Settings.Rate rate = new Settings.Rate(6, 10);
            TokenBucket local = new TokenBucket(rate, clock.millis());
            for (int i = 0; i < 12; i++) {
                assertThat(shared.take("anonymous|a", rate)).as("request %d", i).isEqualTo(local.take(clock.millis()));
            }
            clock.advance(Duration.ofMillis(10_500));
            for (int i = 0; i < 3; i++) {
                assertThat(shared.take("anonymous|a", rate)).as("request %d", i).isEqualTo(local.take(clock.millis()));
            }
            // Another rate is another bucket, whatever the key.
            assertThat(shared.take("anonymous|a", new Settings.Rate(60, 60)).remaining()).isEqualTo(59);
        }
    }

    @DbTest
    void rowsOfRefilledBucketsAreSweptAndOthersKept(TestDatabase db) {
        Assumptions.assumeTrue(db.isPostgres(), "buckets are shared through PostgreSQL");
        try (Database database = db.open()) {
            SharedBuckets shared = new SharedBuckets(database.dataSource(), new MutableClock());
            // A bucket this fast is full again within a millisecond; the slow one stays a minute.
            Settings.Rate fast = new Settings.Rate(6_000_000, 6_000_000);
            for (int i = 0; i < 2_500; i++) {
                shared.take("anonymous|" + i, fast);
            }
            shared.take("anonymous|busy", new Settings.Rate(1, 1));
            assertThat(rows(database)).isEqualTo(2_501);
            AtomicInteger swept = new AtomicInteger();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                swept.addAndGet(shared.sweep());
                return rows(database) == 1;
            });
            assertThat(swept.get()).isEqualTo(2_500);
            assertThat(shared.take("anonymous|busy", new Settings.Rate(1, 1)).allowed()).isFalse();
        }
    }

    private static int rows(Database database) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM rate_limit_buckets")
                .mapTo(Integer.class).one());
    }
}
