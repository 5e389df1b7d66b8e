package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.Map;

/** The rate limit as marketplace users see it: their own allowance each, and sign-ins counted per account. */
class MarketplaceRateLimitTest {

    @DbTest
    void oneUserSpendingTheirAllowanceDoesNotStopAnotherBehindTheSameAddress(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (TestApp app = TestApp.start(db, Map.of("VECTIS_RATE_LIMIT_ENABLED", "true",
                "VECTIS_RATE_LIMIT_MARKETPLACE_USER_REQUESTS_PER_MINUTE", "3",
                "VECTIS_RATE_LIMIT_MARKETPLACE_REQUESTS_PER_MINUTE", "5"), clock)) {
            Http.Response created = Market.createUser(app, "a@example.com", "A", "s3cret-passw0rd", 0L);
            assertThat(created.status()).isEqualTo(201);
            String a = created.json().get("token").asText();
            String b = Market.user(app, "b@example.com", 0).get("token").asText();

            // An API token's first call counts against the address; once it has proved valid, against the user.
            assertThat(me(app, a).header("RateLimit-Policy")).isEqualTo("\"marketplace\";q=5;w=60");
            for (int left = 2; left >= 0; left--) {
                Http.Response r = me(app, a);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("RateLimit-Policy")).isEqualTo("\"marketplace_user\";q=3;w=60");
                assertThat(r.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(left));
            }
            Http.Response limited = me(app, a);
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.json().get("error").asText()).isEqualTo("rate_limited");
            assertThat(limited.json().get("message").asText()).contains("marketplace_user").contains("per credential");
            assertThat(limited.header("Retry-After")).isEqualTo("20");

            // Same address, another user, and someone without a token: unaffected.
            assertThat(me(app, b).status()).isEqualTo(200);
            Http.Response other = me(app, b);
            assertThat(other.status()).isEqualTo(200);
            assertThat(other.header("X-RateLimit-Remaining")).isEqualTo("2");
            assertThat(app.http.get("/vps/products").status()).isEqualTo(200);

            // The allowance is the user's, whichever credential they present.
            Http.Response login = app.http.post("/auth/login",
                    "{\"email\":\"a@example.com\",\"password\":\"s3cret-passw0rd\"}");
            assertThat(login.status()).as(login.body()).isEqualTo(200);
            assertThat(me(app, login.json().get("token").asText()).status()).isEqualTo(429);

            clock.advance(Duration.ofSeconds(20));
            assertThat(me(app, a).status()).isEqualTo(200);
        }
    }

    @DbTest
    void madeUpTokensCountAgainstTheAddress(TestDatabase db) {
        try (TestApp app = TestApp.start(db, Map.of("VECTIS_RATE_LIMIT_ENABLED", "true",
                "VECTIS_RATE_LIMIT_MARKETPLACE_REQUESTS_PER_MINUTE", "3"), new MutableClock())) {
            for (int i = 0; i < 3; i++) {
                assertThat(me(app, "vu_made-up-" + i).status()).isEqualTo(401);
            }
            Http.Response limited = me(app, "vu_made-up-3");
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.header("RateLimit-Policy")).isEqualTo("\"marketplace\";q=3;w=60");
            assertThat(app.http.get("/vps/products").status()).isEqualTo(429);
        }
    }

    @DbTest
    void signInsAreLimitedPerAccountFromAnyNumberOfAddresses(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (TestApp app = TestApp.start(db, Map.of("VECTIS_RATE_LIMIT_ENABLED", "true",
                "VECTIS_SERVER_TRUSTED_PROXIES", "127.0.0.1"), clock)) {
            assertThat(Market.createUser(app, "a@example.com", "A", "s3cret-passw0rd", 0L).status()).isEqualTo(201);
            assertThat(Market.createUser(app, "b@example.com", "B", "s3cret-passw0rd", 0L).status()).isEqualTo(201);
            for (int i = 1; i <= 10; i++) {
                // Case and surrounding space do not make another account, nor a trailing slash another path.
                String email = i % 2 == 0 ? "a@example.com" : " A@Example.COM ";
                assertThat(login(app, i % 3 == 0 ? "/auth/login/" : "/auth/login", email, "guess-" + i,
                        "198.51.100." + i).status()).as("attempt %d", i).isEqualTo(401);
            }
            Http.Response limited = login(app, "a@example.com", "s3cret-passw0rd", "203.0.113.9");
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.json().get("error").asText()).isEqualTo("rate_limited");
            assertThat(limited.json().get("message").asText()).contains("per account");
            assertThat(limited.header("RateLimit-Policy")).isEqualTo("\"login\";q=5;w=60");
            assertThat(limited.header("Retry-After")).isEqualTo("12");
            assertThat(limited.body()).doesNotContain("token\":\"");

            assertThat(login(app, "b@example.com", "s3cret-passw0rd", "203.0.113.9").status()).isEqualTo(200);
            clock.advance(Duration.ofSeconds(12));
            assertThat(login(app, "a@example.com", "s3cret-passw0rd", "203.0.113.10").status()).isEqualTo(200);
        }
    }

    private static Http.Response me(TestApp app, String token) {
        return app.http.get("/me", Market.bearer(token));
    }

    private static Http.Response login(TestApp app, String email, String password, String address) {
        return login(app, "/auth/login", email, password, address);
    }

    private static Http.Response login(TestApp app, String path, String email, String password, String address) {
        return app.http.post(path, Market.json(Map.of("email", email, "password", password)),
                "X-Forwarded-For", address);
    }
}
