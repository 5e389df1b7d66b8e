package dev.vectis.api.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.auth.HmacSignature;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/** The fleet's own machines share addresses and talk often: their credentials are not rate limited. */
class FleetRateLimitTest {

    private static final Map<String, String> TIGHT = Map.of("VECTIS_RATE_LIMIT_ENABLED", "true",
            "VECTIS_RATE_LIMIT_REQUESTS_PER_MINUTE", "2");

    @DbTest
    void workerAndAdminTokensAndSignedRequestsAreNotCounted(TestDatabase db) {
        try (TestApp app = TestApp.start(db, TIGHT)) {
            String id = FleetRegistrationTest.enrol(app, "203.0.113.5", FleetRegistrationTest.SECRET).json()
                    .get("id").asText();
            for (int i = 0; i < 6; i++) {
                assertThat(app.http.get("/api/workers/register", TestApp.admin()).status()).isEqualTo(200);
                assertThat(app.http.post("/api/workers/heartbeat", "{\"workerId\":\"nobody\"}", TestApp.worker())
                        .status()).isEqualTo(404);
                String body = "{\"workerId\":\"" + id + "\"}";
                String ts = Long.toString(Instant.now().getEpochSecond());
                String sig = HmacSignature.sign(HmacSignature.key(FleetRegistrationTest.SECRET), "POST",
                        "/api/workers/heartbeat", ts, body.getBytes(StandardCharsets.UTF_8));
                assertThat(app.http.post("/api/workers/heartbeat", body, HmacSignature.WORKER_HEADER, id,
                        HmacSignature.TIMESTAMP_HEADER, ts, HmacSignature.SIGNATURE_HEADER, sig).status()).isEqualTo(200);
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
