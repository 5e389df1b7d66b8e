package dev.vectis.api.provider;

import static dev.vectis.api.provider.ProviderFixture.BASE;
import static dev.vectis.api.provider.ProviderFixture.bearer;
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

/** The rate limit as the provider contract's clients see it. */
class ProviderRateLimitTest {

    @DbTest
    void theRequestAfterTheLimitIs429WithTheHeadersInTheSpecShape(TestDatabase db) {
        MutableClock clock = new MutableClock();
        Map<String, String> env = Map.of("VECTIS_RATE_LIMIT_ENABLED", "true",
                "PROVIDER_REGISTRY_RATE_LIMIT_REQUESTS_PER_MINUTE", "5",
                "VECTIS_RATE_LIMIT_EXECUTOR_SUBMITTER_REQUESTS_PER_MINUTE", "5");
        try (TestApp app = ProviderFixture.start(db, env, clock)) {
            long now = clock.instant().getEpochSecond();
            for (int i = 1; i <= 5; i++) {
                Http.Response r = app.http.get(BASE + "/profile");
                assertThat(r.status()).as("request %d", i).isEqualTo(401);
                assertThat(r.header("X-RateLimit-Limit")).isEqualTo("5");
                assertThat(r.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(5 - i));
                assertThat(r.header("X-RateLimit-Reset")).isEqualTo(Long.toString(now + 12L * i));
                assertThat(r.header("RateLimit-Policy")).isEqualTo("\"provider\";q=5;w=60");
                assertThat(r.header("RateLimit")).isEqualTo("\"provider\";r=" + (5 - i) + ";t=" + 12 * i);
                assertThat(r.header("Retry-After")).isNull();
            }
            Http.Response limited = app.http.post(BASE + "/register", "{}");
            assertSpecError(limited, 429, "Too Many Requests");
            assertThat(limited.header("Retry-After")).isEqualTo("12");
            assertThat(limited.header("X-RateLimit-Remaining")).isEqualTo("0");
            assertThat(limited.header("RateLimit")).isEqualTo("\"provider\";r=0;t=60");
            assertThat(limited.json().get("message").asText()).contains("5 requests per minute");

            // Another contract, same client: that contract's own policy and bucket, and its error shape.
            for (int i = 1; i <= 5; i++) {
                assertThat(app.http.get("/api/jobs/anything").status()).as("request %d", i).isNotEqualTo(429);
            }
            Http.Response otherContract = app.http.get("/api/jobs/anything");
            assertThat(otherContract.header("RateLimit-Policy")).isEqualTo("\"executor_submitter\";q=5;w=60");
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
    void withoutATokenSixtyCallsAMinutePerAddressWhileASignedInProviderCountsOnItsOwn(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (TestApp app = ProviderFixture.start(db, Map.of("VECTIS_RATE_LIMIT_ENABLED", "true"), clock)) {
            String token = ProviderFixture.token(app, ProviderFixture.registered(app, "ops@acme.example"));
            for (int i = 3; i <= 60; i++) {
                assertThat(app.http.get(BASE + "/profile").status()).as("request %d", i).isEqualTo(401);
            }
            Http.Response limited = app.http.get(BASE + "/profile");
            assertSpecError(limited, 429, "Too Many Requests");
            assertThat(limited.header("RateLimit-Policy")).isEqualTo("\"provider\";q=60;w=60");
            assertThat(limited.header("Retry-After")).isEqualTo("1");

            // Made-up credentials prove nothing: they count against the address like no credential.
            String forged = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA";
            for (String bogus : new String[] {"garbage", forged, "vu_" + "0".repeat(40)}) {
                assertThat(app.http.get(BASE + "/profile", bearer(bogus)).status()).as(bogus).isEqualTo(429);
            }

            Http.Response mine = app.http.get(BASE + "/profile", bearer(token));
            assertThat(mine.status()).isEqualTo(200);
            assertThat(mine.header("RateLimit-Policy")).isEqualTo("\"provider_token\";q=600;w=60");
            assertThat(mine.header("X-RateLimit-Remaining")).isEqualTo("599");
        }
    }

    @DbTest
    void signInsAreLimitedPerAccountWhateverTheAddress(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (TestApp app = ProviderFixture.start(db, Map.of("VECTIS_RATE_LIMIT_ENABLED", "true",
                "VECTIS_SERVER_TRUSTED_PROXIES", "127.0.0.1"), clock)) {
            ProviderFixture.Account acme = ProviderFixture.registered(app, "ops@acme.example");
            ProviderFixture.Account other = ProviderFixture.registered(app, "ops@other.example");
            for (int i = 1; i <= 10; i++) {
                // Any spelling of the id is the same account.
                String id = i % 2 == 0 ? acme.id() : acme.id().toUpperCase(java.util.Locale.ROOT);
                assertThat(signIn(app, id, "pk_wrong", "198.51.100." + i).status()).as("attempt %d", i)
                        .isEqualTo(401);
            }
            Http.Response limited = signIn(app, acme.id(), acme.apiKey(), "203.0.113.77");
            assertSpecError(limited, 429, "Too Many Requests");
            assertThat(limited.header("Retry-After")).isEqualTo("12");
            assertThat(limited.header("RateLimit-Policy")).isEqualTo("\"login\";q=5;w=60");
            assertThat(limited.json().get("message").asText()).contains("per account");

            assertThat(signIn(app, other.id(), other.apiKey(), "203.0.113.77").status()).isEqualTo(200);
            clock.advance(Duration.ofSeconds(12));
            assertThat(signIn(app, acme.id(), acme.apiKey(), "203.0.113.78").status()).isEqualTo(200);
            assertThat(signIn(app, acme.id(), acme.apiKey(), "203.0.113.79").status()).isEqualTo(429);
        }
    }

    private static Http.Response signIn(TestApp app, String id, String apiKey, String address) {
        return app.http.post(BASE + "/auth", ProviderFixture.json(Map.of("provider_id", id, "api_key", apiKey)),
                "X-Forwarded-For", address);
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
