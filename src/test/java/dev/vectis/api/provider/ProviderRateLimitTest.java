package dev.vectis.api.provider;

import static dev.vectis.api.provider.ProviderFixture.BASE;
import static dev.vectis.api.provider.ProviderRegistrationTest.assertSpecError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** The shared rate limit as the provider contract's clients see it. */
class ProviderRateLimitTest {

    @DbTest
    void theRequestAfterTheLimitIs429WithTheHeadersInTheSpecShape(TestDatabase db) {
        MutableClock clock = new MutableClock();
        Map<String, String> env = Map.of("VECTIS_RATE_LIMIT_ENABLED", "true",
                "PROVIDER_REGISTRY_RATE_LIMIT_REQUESTS_PER_MINUTE", "5");
        try (TestApp app = ProviderFixture.start(db, env, clock)) {
            long now = clock.instant().getEpochSecond();
            for (int i = 1; i <= 5; i++) {
                Http.Response r = app.http.get(BASE + "/profile");
                assertThat(r.status()).as("request %d", i).isEqualTo(401);
                assertThat(r.header("X-RateLimit-Limit")).isEqualTo("5");
                assertThat(r.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(5 - i));
                assertThat(r.header("X-RateLimit-Reset")).isEqualTo(Long.toString(now + 12L * i));
                assertThat(r.header("RateLimit-Policy")).isEqualTo("\"default\";q=5;w=60");
                assertThat(r.header("RateLimit")).isEqualTo("\"default\";r=" + (5 - i) + ";t=" + 12 * i);
                assertThat(r.header("Retry-After")).isNull();
            }
            Http.Response limited = app.http.post(BASE + "/register", "{}");
            assertSpecError(limited, 429, "Too Many Requests");
            assertThat(limited.header("Retry-After")).isEqualTo("12");
            assertThat(limited.header("X-RateLimit-Remaining")).isEqualTo("0");
            assertThat(limited.header("RateLimit")).isEqualTo("\"default\";r=0;t=60");
            assertThat(limited.json().get("message").asText()).contains("5 requests per minute");

            // Another contract, same client: the same bucket, that contract's error shape.
            Http.Response otherContract = app.http.get("/api/jobs/anything");
            assertThat(otherContract.status()).isEqualTo(429);
            assertThat(otherContract.json().get("statusCode").asInt()).isEqualTo(429);
            assertThat(otherContract.json().has("validation_errors")).isFalse();
            assertThat(otherContract.header("Retry-After")).isEqualTo("12");

            Http.Response health = app.http.get("/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.header("X-RateLimit-Limit")).isNull();
            assertThat(app.http.get(BASE + "/health").status()).isEqualTo(200);
            assertThat(app.http.get("/metrics").status()).isEqualTo(200);

            clock.advance(Duration.ofSeconds(12));
            assertThat(app.http.get(BASE + "/profile").status()).isEqualTo(401);
            assertThat(app.http.get(BASE + "/profile").status()).isEqualTo(429);
        }
    }

    @DbTest
    void theLimitCanBeSwitchedOff(TestDatabase db) {
        try (TestApp app = ProviderFixture.start(db, Map.of("PROVIDER_REGISTRY_RATE_LIMIT_ENABLED", "false",
                "VECTIS_RATE_LIMIT_REQUESTS_PER_MINUTE", "1"), Clock.systemUTC())) {
            for (int i = 0; i < 10; i++) {
                Http.Response r = app.http.get(BASE + "/profile");
                assertThat(r.status()).isEqualTo(401);
                assertThat(r.header("X-RateLimit-Limit")).isNull();
            }
        }
    }
}
