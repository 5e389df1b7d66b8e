package dev.vectis.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.RawHttp;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * The slow-client attack against the whole server: hundreds of connections from one address
 * that send their headers and then drip (or never send) the rest, beside ordinary clients.
 */
class SlowClientsTest {

    private static int port(TestApp app) {
        return URI.create(app.http.base()).getPort();
    }

    private static Http.Response quickly(TestApp app, String path) {
        return app.http.send(app.http.request(path).timeout(Duration.ofSeconds(5)).GET());
    }

    @DbTest
    void healthAndOtherClientsAreAnsweredDuringASlowBodyFlood(TestDatabase db) {
        try (TestApp app = TestApp.start(db, Map.of("VECTIS_EXECUTOR_AUTH", "none"))) {
            List<RawHttp> attack = new ArrayList<>();
            try {
                for (int i = 0; i < 230; i++) {
                    attack.add(new RawHttp(port(app), 10_000).send("POST /api/jobs/create HTTP/1.1\r\nHost: x\r\n"
                            + "Content-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"command\":"));
                }
                for (int i = 0; i < 50; i++) {
                    attack.add(new RawHttp(port(app), 10_000).send("GET /health HTTP/1.1\r\nHost: x\r\nX-Drip: "));
                }
                // The attackers hold their connections open; ordinary clients are still served.
                Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(30))
                        .until(() -> quickly(app, "/health").status() == 200);
                Http.Response created = app.http.send(app.http.request("/api/jobs/create").timeout(Duration.ofSeconds(5))
                        .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers
                                .ofString("{\"command\":\"echo hi\",\"fileUrl\":\"/uploads/x.zip\",\"filename\":\"x.zip\"}")));
                assertThat(created.status()).as(created.body()).isEqualTo(200);
                assertThat(quickly(app, "/api/jobs/status?jobId=" + created.json().get("jobId").asText()).status())
                        .isEqualTo(200);
            } finally {
                attack.forEach(RawHttp::close);
            }
        }
    }

    @DbTest
    void aDrippedBodyEndsAt408AndNothingIsWritten(TestDatabase db) {
        try (TestApp app = TestApp.start(db, Map.of("VECTIS_EXECUTOR_AUTH", "none",
                "VECTIS_SERVER_BODY_TIMEOUT_SECONDS", "2"))) {
            try (RawHttp c = new RawHttp(port(app), 10_000)) {
                c.send("POST /api/jobs/create HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100\r\n\r\n{\"command\":\"echo");
                RawHttp.Reply reply = c.read();
                assertThat(reply.status()).isEqualTo(408);
                assertThat(reply.json().get("statusCode").asInt()).as("the executor's error shape").isEqualTo(408);
            }
            assertThat(app.http.get("/api/jobs/create").json().get("count").asInt()).isZero();
        }
    }
}
