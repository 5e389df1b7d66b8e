package dev.vectis.api.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.util.Map;

/**
 * The heartbeat interval and offline window the server sets, in the answers Vectis's agent
 * reads: enrolment, registration and heartbeat. Spec clients keep the documents' bodies.
 */
class ServerPaceTest {

    @DbTest
    void enrolmentRegistrationAndHeartbeatsCarryThePace(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Http.Response enrolled = app.http.post("/api/v1/workers", "{\"ip\":\"203.0.113.7\",\"secret\":\""
                    + FleetRegistrationTest.SECRET + "\",\"hostname\":\"box\"}", TestApp.worker());
            assertThat(enrolled.status()).isEqualTo(201);
            assertPace(enrolled.json(), 10, 30);
            String id = enrolled.json().get("id").asText();

            SignedCalls agent = new SignedCalls(app, id, FleetRegistrationTest.SECRET);
            Http.Response registered = agent.send("POST", "/api/workers/register",
                    "{\"workerId\":\"" + id + "\",\"hostname\":\"box\"}");
            assertThat(registered.status()).isEqualTo(200);
            assertPace(registered.json(), 10, 30);
            assertPace(agent.send("POST", "/api/workers/heartbeat", "{\"workerId\":\"" + id + "\"}").json(), 10, 30);

            // A client of the document alone (no hostname, no signature) gets the document's body.
            JsonNode plain = FleetRegistrationTest.enrol(app, "203.0.113.8", FleetRegistrationTest.SECRET).json();
            assertThat(plain.size()).isEqualTo(3);
            JsonNode spec = app.http.post("/api/workers/register", "{\"workerId\":\"spec\",\"hostname\":\"s\"}",
                    TestApp.worker()).json();
            assertThat(spec.has("heartbeatIntervalSeconds")).isFalse();
            assertThat(spec.has("offlineAfterSeconds")).isFalse();
        }
    }

    @DbTest
    void thePaceIsConfigured(TestDatabase db) {
        try (TestApp app = TestApp.start(db, Map.of("VECTIS_HEARTBEAT_OFFLINE_AFTER_SECONDS", "90",
                "VECTIS_HEARTBEAT_INTERVAL_SECONDS", "20"))) {
            Http.Response enrolled = app.http.post("/api/v1/workers", "{\"ip\":\"203.0.113.7\",\"secret\":\""
                    + FleetRegistrationTest.SECRET + "\",\"hostname\":\"box\"}", TestApp.worker());
            assertPace(enrolled.json(), 20, 90);
        }
        try (TestApp app = TestApp.start(db, Map.of("VECTIS_HEARTBEAT_OFFLINE_AFTER_SECONDS", "6"))) {
            Http.Response enrolled = app.http.post("/api/v1/workers", "{\"ip\":\"203.0.113.9\",\"secret\":\""
                    + FleetRegistrationTest.SECRET + "\",\"hostname\":\"box\"}", TestApp.worker());
            assertPace(enrolled.json(), 2, 6);
        }
    }

    private static void assertPace(JsonNode answer, int interval, int offlineAfter) {
        assertThat(answer.get("heartbeatIntervalSeconds").asInt()).as(answer.toString()).isEqualTo(interval);
        assertThat(answer.get("offlineAfterSeconds").asInt()).as(answer.toString()).isEqualTo(offlineAfter);
    }
}
