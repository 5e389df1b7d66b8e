package dev.vectis.api.gateway;

import static dev.vectis.api.gateway.Gateway.HEARTBEAT_BODY;
import static dev.vectis.api.gateway.Gateway.WORKER;
import static dev.vectis.api.gateway.Gateway.eventBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.Map;

/**
 * A worker's status as operators see it: what it reports (ONLINE, MAINTENANCE, its own
 * start and stop events) and what Vectis observes (silence past heartbeat.offline_after_seconds).
 */
class GatewayStatusTest {

    private static final String MAINTENANCE = "{\"status\": \"MAINTENANCE\", \"cpuUsage\": 5.0}";
    private static final String NO_STATUS = "{\"cpuUsage\": 5.0}";

    @DbTest
    void maintenanceLastsUntilTheWorkerReportsOtherwise(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Gateway.registerOk(app, WORKER, "http://localhost:8001");
            assertThat(Gateway.worker(app, WORKER).get("status").asText()).isEqualTo("ONLINE");

            Gateway.heartbeatOk(app, WORKER, MAINTENANCE);
            Gateway.awaitWorker(app, WORKER, "MAINTENANCE", w -> w.get("status").asText().equals("MAINTENANCE"));

            // Heartbeats without a status leave it in maintenance (after their flush)
            for (int i = 0; i < 3; i++) {
                Gateway.heartbeatOk(app, WORKER, NO_STATUS);
            }
            awaitFlushOf(app, WORKER);
            JsonNode still = Gateway.worker(app, WORKER);
            assertThat(still.get("status").asText()).isEqualTo("MAINTENANCE");
            assertThat(still.get("liveness").asText()).isEqualTo("online");
            // ... and so does a heartbeat that says it again
            Gateway.heartbeatOk(app, WORKER, MAINTENANCE);
            awaitFlushOf(app, WORKER);
            assertThat(Gateway.worker(app, WORKER).get("status").asText()).isEqualTo("MAINTENANCE");

            Gateway.heartbeatOk(app, WORKER, HEARTBEAT_BODY);
            Gateway.awaitWorker(app, WORKER, "ONLINE", w -> w.get("status").asText().equals("ONLINE"));
            Gateway.heartbeatOk(app, WORKER, NO_STATUS);
            awaitFlushOf(app, WORKER);
            assertThat(Gateway.worker(app, WORKER).get("status").asText()).isEqualTo("ONLINE");

            // OFFLINE reported in a heartbeat is the worker's word too
            Gateway.heartbeatOk(app, WORKER, "{\"status\": \"OFFLINE\"}");
            Gateway.awaitWorker(app, WORKER, "OFFLINE", w -> w.get("status").asText().equals("OFFLINE"));

            // A worker registering in maintenance starts in maintenance
            Gateway.registerOk(app, "worker-002", "http://localhost:8002");
            assertThat(Gateway.register(app, Gateway.registration("worker-002", "http://localhost:8002",
                    Map.of("status", "MAINTENANCE"))).status()).isEqualTo(200);
            assertThat(Gateway.worker(app, "worker-002").get("status").asText()).isEqualTo("MAINTENANCE");
        }
    }

    @DbTest
    void workerEventsSetItsStatus(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Gateway.registerOk(app, WORKER, "http://localhost:8001");
            Gateway.heartbeatOk(app, WORKER, HEARTBEAT_BODY);
            awaitFlushOf(app, WORKER);

            Gateway.eventOk(app, WORKER, eventBody("worker_stopping", WORKER, null, Map.of(),
                    "2024-01-15T11:00:00.000Z"));
            assertThat(Gateway.worker(app, WORKER).get("status").asText()).isEqualTo("OFFLINE");

            Gateway.eventOk(app, WORKER, eventBody("worker_started", WORKER, null, Map.of(),
                    "2024-01-15T11:01:00.000Z"));
            assertThat(Gateway.worker(app, WORKER).get("status").asText()).isEqualTo("ONLINE");

            // From maintenance too
            Gateway.heartbeatOk(app, WORKER, MAINTENANCE);
            Gateway.awaitWorker(app, WORKER, "MAINTENANCE", w -> w.get("status").asText().equals("MAINTENANCE"));
            Gateway.eventOk(app, WORKER, eventBody("worker_stopping", WORKER, null, Map.of(),
                    "2024-01-15T11:02:00.000Z"));
            assertThat(Gateway.worker(app, WORKER).get("status").asText()).isEqualTo("OFFLINE");
            Gateway.eventOk(app, WORKER, eventBody("worker_started", WORKER, null, Map.of(),
                    "2024-01-15T11:03:00.000Z"));
            assertThat(Gateway.worker(app, WORKER).get("status").asText()).isEqualTo("ONLINE");

            // worker_error is recorded and does not change the status
            Gateway.eventOk(app, WORKER, eventBody("worker_error", WORKER, null, Map.of("error", "EADDRINUSE"),
                    "2024-01-15T11:04:00.000Z"));
            assertThat(Gateway.worker(app, WORKER).get("status").asText()).isEqualTo("ONLINE");
            assertThat(Gateway.eventList(app, WORKER).get(0).get("type").asText()).isEqualTo("worker_error");
        }
    }

    @DbTest
    void aSilentWorkerShowsOffline(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (TestApp app = TestApp.start(db, Map.of(), clock)) {
            Gateway.registerOk(app, WORKER, "http://localhost:8001");
            Gateway.registerOk(app, "worker-002", "http://localhost:8002");
            Gateway.registerOk(app, "worker-003", "http://localhost:8003");
            Gateway.heartbeatOk(app, "worker-003", MAINTENANCE);
            Gateway.awaitWorker(app, "worker-003", "MAINTENANCE", w -> w.get("status").asText().equals("MAINTENANCE"));

            assertThat(Gateway.worker(app, WORKER).get("lastHeartbeat").asText()).isEqualTo("2030-01-01T00:00:00Z");
            clock.advance(Duration.ofSeconds(20));
            Gateway.heartbeatOk(app, "worker-002", HEARTBEAT_BODY);
            // Heartbeats are written in batches: the flusher moves lastHeartbeat
            Gateway.awaitWorker(app, "worker-002", "lastHeartbeat moved by the heartbeat",
                    w -> w.get("lastHeartbeat").asText().equals("2030-01-01T00:00:20Z"));
            // 31 s after the start and worker-001's last word; worker-002 was heard 11 s ago
            clock.advance(Duration.ofSeconds(11));

            JsonNode offline = Gateway.awaitWorker(app, WORKER, "OFFLINE after 31 s of silence",
                    w -> w.get("status").asText().equals("OFFLINE"));
            assertThat(offline.get("liveness").asText()).isEqualTo("offline");
            // Liveness wins over what a silent worker last reported
            JsonNode silentMaintenance = Gateway.awaitWorker(app, "worker-003", "OFFLINE",
                    w -> w.get("status").asText().equals("OFFLINE"));
            assertThat(silentMaintenance.get("liveness").asText()).isEqualTo("offline");
            JsonNode alive = Gateway.worker(app, "worker-002");
            assertThat(alive.get("status").asText()).isEqualTo("ONLINE");
            assertThat(alive.get("liveness").asText()).isEqualTo("online");

            JsonNode list = app.http.get("/api/v1/workers", TestApp.admin()).json().get("data").get("workers");
            assertThat(Gateway.list(list)).extracting(w -> w.get("workerId").asText() + "=" + w.get("status").asText()
                    + "/" + w.get("liveness").asText())
                    .containsExactly("worker-001=OFFLINE/offline", "worker-002=ONLINE/online",
                            "worker-003=OFFLINE/offline");

            // Going offline is itself an event operators can read
            assertThat(Gateway.eventList(app, WORKER)).extracting(e -> e.get("type").asText())
                    .contains("worker.offline");
            assertThat(Gateway.eventList(app, "worker-002")).extracting(e -> e.get("type").asText())
                    .doesNotContain("worker.offline");

            // Heard again: online again, with what it reports
            Gateway.heartbeatOk(app, WORKER, NO_STATUS);
            JsonNode back = Gateway.awaitWorker(app, WORKER, "ONLINE again",
                    w -> w.get("liveness").asText().equals("online"));
            assertThat(back.get("status").asText()).isEqualTo("ONLINE");
            Gateway.heartbeatOk(app, "worker-003", NO_STATUS);
            Gateway.awaitWorker(app, "worker-003", "back in MAINTENANCE",
                    w -> w.get("status").asText().equals("MAINTENANCE"));
        }
    }

    @DbTest
    void theOfflineWindowIsConfigurable(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (TestApp app = TestApp.start(db, Map.of("VECTIS_HEARTBEAT_OFFLINE_AFTER_SECONDS", "90"), clock)) {
            Gateway.registerOk(app, WORKER, "http://localhost:8001");
            clock.advance(Duration.ofSeconds(60));
            // A sweep with the clock 60 s on finds nobody silent for the 90 s window
            assertThat(app.app().features().workers().sweep(app.app().features().reaper())).isZero();
            assertThat(Gateway.worker(app, WORKER).get("liveness").asText()).as("60 s of a 90 s window")
                    .isEqualTo("online");
            clock.advance(Duration.ofSeconds(31));
            Gateway.awaitWorker(app, WORKER, "OFFLINE after 91 s", w -> w.get("status").asText().equals("OFFLINE"));
        }
    }

    /** Makes sure every heartbeat answered so far is written (what the background flusher does). */
    private static void awaitFlushOf(TestApp app, String workerId) {
        app.app().features().workers().flush();
    }
}
