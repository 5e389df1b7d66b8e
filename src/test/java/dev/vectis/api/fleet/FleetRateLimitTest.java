package dev.vectis.api.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.auth.HmacSignature;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * The fleet's own machines share addresses and talk often: their credentials count under
 * their own policies (fleet, admin), never against the address they share.
 */
class FleetRateLimitTest {

    private static final Map<String, String> TIGHT = Map.of("VECTIS_RATE_LIMIT_ENABLED", "true",
            "VECTIS_RATE_LIMIT_REQUESTS_PER_MINUTE", "2", "VECTIS_RATE_LIMIT_MARKETPLACE_REQUESTS_PER_MINUTE", "2",
            "VECTIS_RATE_LIMIT_EXECUTOR_WORKER_REQUESTS_PER_MINUTE", "2",
            "VECTIS_RATE_LIMIT_EXECUTOR_SUBMITTER_REQUESTS_PER_MINUTE", "2");

    @DbTest
    void workerAndAdminTokensAndSignedRequestsAreNotCountedAgainstTheAddress(TestDatabase db) {
        MutableClock clock = new MutableClock(Instant.now());
        try (TestApp app = TestApp.start(db, TIGHT, clock)) {
            String id = FleetRegistrationTest.enrol(app, "203.0.113.5", FleetRegistrationTest.SECRET).json()
                    .get("id").asText();
            for (int i = 0; i < 6; i++) {
                Http.Response admin = app.http.get("/api/workers/register", TestApp.admin());
                assertThat(admin.status()).isEqualTo(200);
                assertThat(admin.header("RateLimit-Policy")).isEqualTo("\"admin\";q=12000;w=60");
                Http.Response token = app.http.post("/api/workers/heartbeat", "{\"workerId\":\"nobody\"}",
                        TestApp.worker());
                assertThat(token.status()).isEqualTo(404);
                assertThat(token.header("RateLimit-Policy")).isEqualTo("\"fleet\";q=12000;w=60");
                String body = "{\"workerId\":\"" + id + "\"}";
                String ts = Long.toString(clock.instant().getEpochSecond());
                String sig = HmacSignature.sign(HmacSignature.key(FleetRegistrationTest.SECRET), "POST",
                        "/api/workers/heartbeat", ts, body.getBytes(StandardCharsets.UTF_8));
                Http.Response signed = app.http.post("/api/workers/heartbeat", body, HmacSignature.WORKER_HEADER, id,
                        HmacSignature.TIMESTAMP_HEADER, ts, HmacSignature.SIGNATURE_HEADER, sig);
                assertThat(signed.status()).isEqualTo(200);
                assertThat(signed.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(12000 - 1 - i));
            }
        }
    }

    @DbTest
    void anonymousAndBadlySignedRequestsAreCounted(TestDatabase db) {
        try (TestApp app = TestApp.start(db, TIGHT)) {
            assertThat(app.http.get("/vps/products").status()).isEqualTo(200);
            assertThat(app.http.get("/vps/products").status()).isEqualTo(200);
            Http.Response limited = app.http.get("/vps/products");
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.header("Retry-After")).isNotNull();
            Http.Response forged = app.http.get("/vps/products", HmacSignature.WORKER_HEADER, "wrk_x",
                    HmacSignature.TIMESTAMP_HEADER, "1", HmacSignature.SIGNATURE_HEADER, "00");
            assertThat(forged.status()).isEqualTo(429);
        }
    }
}
