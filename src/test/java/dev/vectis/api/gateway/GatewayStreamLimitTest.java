package dev.vectis.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

/** The operator's event stream counts against the stream caps, and is refused in the gateway's shape. */
class GatewayStreamLimitTest {

    @DbTest
    void aStreamBeyondTheAdminsCapIs429InTheGatewaysShape(TestDatabase db) throws Exception {
        try (TestApp app = TestApp.start(db, Map.of("VECTIS_SERVER_MAX_STREAMS_PER_USER", "1"))) {
            HttpResponse<Stream<String>> held = HttpClient.newHttpClient().send(app.http.request(
                    "/api/v1/events/stream", TestApp.admin()).GET().build(), HttpResponse.BodyHandlers.ofLines());
            try (Stream<String> lines = held.body()) {
                assertThat(held.statusCode()).isEqualTo(200);
                Http.Response refused = app.http.send(app.http.request("/api/v1/events/stream", TestApp.admin())
                        .timeout(Duration.ofSeconds(5)).GET());
                assertThat(refused.status()).isEqualTo(429);
                assertThat(refused.header("Retry-After")).isEqualTo("5");
                JsonNode body = refused.json();
                assertThat(body.get("success").asBoolean()).isFalse();
                assertThat(body.get("code").asText()).isEqualTo("TOO_MANY_STREAMS");
                assertThat(body.get("error").asText()).contains("at most 1", "per user");
                assertThat(app.http.get("/api/v1/workers", TestApp.admin()).status()).as("other calls").isEqualTo(200);
            }
        }
    }
}
