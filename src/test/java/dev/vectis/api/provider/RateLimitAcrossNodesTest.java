package dev.vectis.api.provider;

import static dev.vectis.api.provider.ProviderFixture.BASE;
import static dev.vectis.api.provider.ProviderRegistrationTest.assertSpecError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.db.Database;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** Three nodes on one PostgreSQL database enforce the configured rate limit, not three times it. */
class RateLimitAcrossNodesTest {

    private static final Map<String, String> LIMITED = Map.of("VECTIS_RATE_LIMIT_ENABLED", "true");

    @DbTest
    void theSixtyFirstUnauthenticatedRegistryRequestOfAMinuteAcrossThreeNodesIs429(TestDatabase db) {
        Assumptions.assumeTrue(db.isPostgres(), "buckets are shared through PostgreSQL");
        MutableClock clock = new MutableClock();
        try (TestApp a = ProviderFixture.start(db, LIMITED, clock); TestApp b = ProviderFixture.start(db, LIMITED, clock);
             TestApp c = ProviderFixture.start(db, LIMITED, clock)) {
            List<TestApp> nodes = List.of(a, b, c);
            for (int i = 1; i <= 60; i++) {
                Http.Response r = nodes.get(i % 3).http.get(BASE + "/profile");
                assertThat(r.status()).as("request %d", i).isEqualTo(401);
                assertThat(r.header("X-RateLimit-Remaining")).as("request %d", i).isEqualTo(Integer.toString(60 - i));
                assertThat(r.header("RateLimit-Policy")).isEqualTo("\"provider\";q=60;w=60");
            }
            Http.Response limited = nodes.get(61 % 3).http.get(BASE + "/profile");
            assertSpecError(limited, 429, "Too Many Requests");
            assertThat(limited.header("Retry-After")).isEqualTo("1");
            assertThat(limited.header("RateLimit")).isEqualTo("\"provider\";r=0;t=60");
            assertThat(limited.header("X-RateLimit-Limit")).isEqualTo("60");
            assertThat(limited.header("X-RateLimit-Remaining")).isEqualTo("0");
            for (TestApp node : nodes) {
                assertThat(node.http.get(BASE + "/profile").status()).isEqualTo(429);
            }

            // A second refills one request, for whichever node the client reaches next.
            clock.advance(Duration.ofSeconds(1));
            assertThat(b.http.get(BASE + "/profile").status()).isEqualTo(401);
            assertThat(c.http.get(BASE + "/profile").status()).isEqualTo(429);
        }
    }

    @DbTest
    void theFleetsOwnCallsAreCountedByEachNodeAlone(TestDatabase db) {
        Assumptions.assumeTrue(db.isPostgres(), "buckets are shared through PostgreSQL");
        try (TestApp a = TestApp.start(db, LIMITED); TestApp b = TestApp.start(db, LIMITED);
             Database direct = db.open()) {
            for (TestApp node : List.of(a, b)) {
                Http.Response r = node.http.get("/api/workers/register", TestApp.worker());
                assertThat(r.header("RateLimit-Policy")).isEqualTo("\"fleet\";q=12000;w=60");
                assertThat(r.header("X-RateLimit-Remaining")).isEqualTo("11999");
                assertThat(node.http.get("/api/workers/register", TestApp.admin()).header("X-RateLimit-Remaining"))
                        .isEqualTo("11999");
            }
            int rows = direct.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM rate_limit_buckets")
                    .mapTo(Integer.class).one());
            assertThat(rows).isZero();
        }
    }

    @DbTest
    void withoutItsSharedBucketsANodeFailsOpenToItsOwnLimitAndComesBack(TestDatabase db) {
        Assumptions.assumeTrue(db.isPostgres(), "buckets are shared through PostgreSQL");
        MutableClock clock = new MutableClock();
        try (TestApp a = ProviderFixture.start(db, LIMITED, clock); Database direct = db.open()) {
            direct.jdbi().useHandle(h -> h.execute("ALTER TABLE rate_limit_buckets RENAME TO rate_limit_buckets_away"));
            for (int i = 1; i <= 60; i++) {
                Http.Response r = a.http.get(BASE + "/profile");
                assertThat(r.status()).as("request %d", i).isEqualTo(401);
                assertThat(r.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(60 - i));
            }
            Http.Response limited = a.http.get(BASE + "/profile");
            assertSpecError(limited, 429, "Too Many Requests");
            assertThat(limited.header("RateLimit")).isEqualTo("\"provider\";r=0;t=60");

            direct.jdbi().useHandle(h -> h.execute("ALTER TABLE rate_limit_buckets_away RENAME TO rate_limit_buckets"));
            // The node asks the database again 30 s after the failure; its shared bucket is untouched.
            clock.advance(Duration.ofSeconds(30));
            Http.Response back = a.http.get(BASE + "/profile");
            assertThat(back.status()).isEqualTo(401);
            assertThat(back.header("X-RateLimit-Remaining")).isEqualTo("59");
            int rows = direct.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM rate_limit_buckets")
                    .mapTo(Integer.class).one());
            assertThat(rows).isEqualTo(1);
        }
    }
}
