package dev.vectis.api.gateway;

import static dev.vectis.api.gateway.Gateway.WORKER;
import static dev.vectis.api.gateway.Gateway.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What real chat-session workers send, beyond the document's own examples: metrics nested
 * under {@code metrics}, numbers as text, epoch timestamps, their own event names and
 * WhatsApp JIDs. Nothing they report is lost, and their sessions show the state they report.
 */
class GatewayRealWorkerTest {

    @DbTest
    void aRealWorkersNestedHeartbeatIsStoredMetricByMetric(TestDatabase db) {
        try (TestApp app = TestApp.start(db); ChatWorker worker = new ChatWorker(app, WORKER, "http://10.0.0.5:8001")) {
            assertThat(worker.register().status()).isEqualTo(200);
            worker.report(30, 46, 120, 3, 1);
            worker.startHeartbeats(Duration.ofMillis(500));

            JsonNode sample = awaitSample(app, WORKER, s -> s.get("cpuUsage").isNumber());
            assertThat(worker.lastHeartbeat().json().get("data").get("status").asText()).isEqualTo("acknowledged");
            assertThat(sample.get("status").asText()).isEqualTo("ONLINE");
            assertThat(sample.get("cpuUsage").asDouble()).isEqualTo(30.0);
            assertThat(sample.get("memoryUsage").asDouble()).isEqualTo(46.0);
            assertThat(sample.get("uptime").asLong()).isEqualTo(120);
            assertThat(sample.get("messageCount").asLong()).isZero();
            assertThat(sample.get("sessions")).isEqualTo(Gateway.tree("""
                    {"total": 3, "connected": 1, "disconnected": 0, "qr_required": 2, "reconnecting": 0,
                     "error": 0}"""));
            assertThat(sample.get("extra")).as("the worker's own counts are kept, not dropped")
                    .isEqualTo(Gateway.tree("""
                            {"metrics": {"sessions": {"initializing": 0, "maxSessions": 50}}}"""));
            assertThat(Gateway.worker(app, WORKER).get("lastMetrics").get("cpuUsage").asDouble()).isEqualTo(30.0);
        }
    }

    @DbTest
    void heartbeatVariantsOfRealWorkersAreAccepted(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Gateway.registerOk(app, WORKER, "http://localhost:8001");

            // Numbers as text, the status in lower case, a timestamp in epoch seconds
            Gateway.heartbeatOk(app, WORKER, """
                    {"status": "online", "cpuUsage": "12.50", "memoryUsage": "46%", "uptime": "120.7",
                     "messageCount": "1250", "sessions": {"total": "3", "qrRequired": 1},
                     "timestamp": 1705314600}""");
            JsonNode first = awaitSamples(app, WORKER, 1).get(0);
            assertThat(first.get("status").asText()).isEqualTo("ONLINE");
            assertThat(first.get("cpuUsage").asDouble()).isEqualTo(12.5);
            assertThat(first.get("memoryUsage").asDouble()).isEqualTo(46.0);
            assertThat(first.get("uptime").asLong()).isEqualTo(121);
            assertThat(first.get("messageCount").asLong()).isEqualTo(1250);
            assertThat(first.get("sessions").get("total").asInt()).isEqualTo(3);
            assertThat(first.get("sessions").get("qr_required").asInt()).isEqualTo(1);
            assertThat(first.get("timestamp").asText()).isEqualTo("2024-01-15T10:30:00Z");
            assertThat(first.get("extra").isNull()).isTrue();

            // Epoch milliseconds, snake_case names, a bare session count, metrics Vectis has no column for
            Gateway.heartbeatOk(app, WORKER, """
                    {"status": "Maintenance", "metrics": {"cpu_usage": 7, "memory_usage": 8.25, "sessions": 4,
                     "loadAverage": [0.5, 0.25, 0.1], "platform": "linux"}, "hostname": "wa-1",
                     "timestamp": "1705314600000"}""");
            JsonNode second = awaitSamples(app, WORKER, 2).get(1);
            assertThat(second.get("status").asText()).isEqualTo("MAINTENANCE");
            assertThat(second.get("cpuUsage").asDouble()).isEqualTo(7.0);
            assertThat(second.get("memoryUsage").asDouble()).isEqualTo(8.25);
            assertThat(second.get("sessions").get("total").asInt()).isEqualTo(4);
            assertThat(second.get("timestamp").asText()).isEqualTo("2024-01-15T10:30:00Z");
            assertThat(second.get("extra")).isEqualTo(Gateway.tree("""
                    {"metrics": {"loadAverage": [0.5, 0.25, 0.1], "platform": "linux"}, "hostname": "wa-1"}"""));
            Gateway.awaitWorker(app, WORKER, "the reported MAINTENANCE",
                    w -> w.get("status").asText().equals("MAINTENANCE"));

            // An ISO time is kept as sent; the document's flat form still wins over a nested copy
            Gateway.heartbeatOk(app, WORKER, """
                    {"cpuUsage": 1, "metrics": {"cpuUsage": 2}, "timestamp": "2024-01-15T10:30:00.000+07:00"}""");
            JsonNode third = awaitSamples(app, WORKER, 3).get(2);
            assertThat(third.get("cpuUsage").asDouble()).isEqualTo(1.0);
            assertThat(third.get("extra")).isEqualTo(Gateway.tree("{\"metrics\": {\"cpuUsage\": 2}}"));
            assertThat(third.get("timestamp").asText()).isEqualTo("2024-01-15T10:30:00.000+07:00");

            // Node's process.memoryUsage() and cpuUsage() are objects, not percentages: kept, never a 400
            Gateway.heartbeatOk(app, WORKER, """
                    {"metrics": {"cpuUsage": {"user": 120000, "system": 30000}, "uptime": 60,
                     "memoryUsage": {"rss": 81920000, "heapUsed": 20480000}}}""");
            JsonNode fourth = awaitSamples(app, WORKER, 4).get(3);
            assertThat(fourth.get("cpuUsage").isNull()).isTrue();
            assertThat(fourth.get("memoryUsage").isNull()).isTrue();
            assertThat(fourth.get("uptime").asLong()).isEqualTo(60);
            assertThat(fourth.get("extra")).isEqualTo(Gateway.tree("""
                    {"metrics": {"cpuUsage": {"user": 120000, "system": 30000},
                     "memoryUsage": {"rss": 81920000, "heapUsed": 20480000}}}"""));
        }
    }

    @DbTest
    void nestedMetricsAreRefusedNamingTheirPath(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Gateway.registerOk(app, WORKER, "http://localhost:8001");
            Map<String, String> cases = Map.of(
                    "{\"metrics\": {\"cpuUsage\": \"high\"}}", "metrics.cpuUsage",
                    "{\"metrics\": {\"memoryUsage\": -1}}", "metrics.memoryUsage",
                    "{\"metrics\": {\"sessions\": {\"connected\": 1.5}}}", "metrics.sessions.connected",
                    "{\"metrics\": {\"sessions\": [1]}}", "metrics.sessions",
                    "{\"metrics\": \"fine\"}", "metrics",
                    "{\"status\": \"busy\"}", "status",
                    "{\"timestamp\": 20240115}", "timestamp",
                    "{\"timestamp\": true}", "timestamp",
                    "{\"workerId\": \"worker-002\"}", "workerId",
                    "{\"metrics\": {\"notes\": \"" + "x".repeat(HeartbeatReader.MAX_EXTRA_CHARS) + "\"}}", "metrics");
            cases.forEach((body, field) ->
                    assertError(Gateway.heartbeat(app, WORKER, body), 400, null, field));
            assertThat(Gateway.metrics(app, WORKER)).as("nothing refused was stored").isEmpty();
        }
    }

    @DbTest
    void aRealWorkersSessionEventsMoveTheSessionThroughItsStates(TestDatabase db) {
        try (TestApp app = TestApp.start(db); ChatWorker worker = new ChatWorker(app, WORKER, "http://10.0.0.5:8001")) {
            assertThat(worker.register().status()).isEqualTo(200);
            String session = "user123-personal";

            worker.notify("qr_ready", session, Map.of("qrCode", Gateway.QR_CODE, "attempts", 1));
            JsonNode waiting = Gateway.session(app, session);
            assertThat(waiting.get("status").asText()).isEqualTo("qr_required");
            assertThat(waiting.get("qrCode").asText()).isEqualTo(Gateway.QR_CODE);

            worker.notify("connected", session, Map.of("phoneNumber", ChatWorker.JID));
            JsonNode connected = Gateway.session(app, session);
            assertThat(connected.get("status").asText()).isEqualTo("connected");
            assertThat(connected.get("phoneNumber").asText()).isEqualTo("+6281234567890");
            assertThat(Gateway.worker(app, WORKER).get("currentSessions").asInt()).isEqualTo(1);
            assertThat(worker.register().json().get("data").get("assignedSessions"))
                    .as("a restarting worker learns its live session").isEqualTo(Gateway.tree("[\"" + session + "\"]"));

            worker.notify("disconnected", session, Map.of("reason", "connection_lost"));
            assertThat(Gateway.session(app, session).get("status").asText()).isEqualTo("disconnected");
            assertThat(Gateway.worker(app, WORKER).get("currentSessions").asInt()).isZero();
            worker.notify("reconnecting", session, Map.of());
            assertThat(Gateway.session(app, session).get("status").asText()).isEqualTo("reconnecting");
            worker.notify("connected", session, Map.of("phoneNumber", ChatWorker.JID));
            worker.notify("logged_out", session, Map.of());
            assertThat(Gateway.session(app, session).get("status").asText()).isEqualTo("logged_out");
            worker.notify("deleted", session, Map.of());
            JsonNode deleted = Gateway.session(app, session);
            assertThat(deleted.get("status").asText()).isEqualTo("deleted");
            assertThat(deleted.get("phoneNumber").asText()).isEqualTo("+6281234567890");

            List<JsonNode> events = Gateway.eventList(app, WORKER);
            assertThat(events).extracting(e -> e.get("type").asText()).containsExactly("deleted", "logged_out",
                    "connected", "reconnecting", "disconnected", "connected", "qr_ready");
            assertThat(events).allSatisfy(e -> assertThat(e.get("known").asBoolean()).as(e.toString()).isTrue());
            assertThat(events.get(5).get("data").get("data").get("phoneNumber").asText())
                    .as("the event keeps what the worker sent").isEqualTo(ChatWorker.JID);
        }
    }

    @DbTest
    void everySessionEventOfTheDocumentSetsItsState(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Gateway.registerOk(app, WORKER, "http://localhost:8001");
            Map<String, String> states = Map.of("session_created", "created", "session_qr_ready", "qr_required",
                    "session_connected", "connected", "session_disconnected", "disconnected",
                    "session_deleted", "deleted", "qr_ready", "qr_required");
            states.forEach((event, state) -> {
                Gateway.eventOk(app, WORKER, Gateway.eventBody(event, WORKER, "s-" + event, Map.of(), "t"));
                assertThat(Gateway.session(app, "s-" + event).get("status").asText()).as(event).isEqualTo(state);
            });
        }
    }

    @DbTest
    void dataStatusIsHonouredInAnyCase(TestDatabase db) {
        try (TestApp app = TestApp.start(db); ChatWorker worker = new ChatWorker(app, WORKER, "http://10.0.0.5:8001")) {
            assertThat(worker.register().status()).isEqualTo(200);

            worker.notify("session_status", "s1", Map.of("status", "CONNECTED", "phoneNumber", "6281234567890"));
            assertThat(Gateway.session(app, "s1").get("status").asText()).isEqualTo("connected");
            assertThat(Gateway.session(app, "s1").get("phoneNumber").asText()).isEqualTo("+6281234567890");
            worker.notify("connected", "s2", Map.of("status", "QR_REQUIRED"));
            assertThat(Gateway.session(app, "s2").get("status").asText()).as("data.status wins")
                    .isEqualTo("qr_required");
            worker.notify("connected", "s3", Map.of("status", "warming-up"));
            assertThat(Gateway.session(app, "s3").get("status").asText())
                    .as("a status word Vectis does not know leaves the event's").isEqualTo("connected");

            // A name Vectis does not know is still stored and flagged; its data.status still counts
            worker.notify("presence_sync", "s4", Map.of("status", "Disconnected"));
            assertThat(Gateway.session(app, "s4").get("status").asText()).isEqualTo("disconnected");
            worker.notify("presence_typing", "s5", Map.of("who", "6281234567890@s.whatsapp.net"));
            assertError(app.http.get("/api/v1/sessions/s5", TestApp.admin()), 404, null, null);
            assertThat(Gateway.eventList(app, WORKER)).filteredOn(e -> e.get("type").asText().startsWith("presence_"))
                    .hasSize(2).allSatisfy(e -> assertThat(e.get("known").asBoolean()).isFalse());
        }
    }

    private static JsonNode awaitSample(TestApp app, String workerId, java.util.function.Predicate<JsonNode> ok) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (JsonNode s : Gateway.metrics(app, workerId)) {
                if (ok.test(s)) {
                    found[0] = s;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private static List<JsonNode> awaitSamples(TestApp app, String workerId, int count) {
        return GatewayMetricsTest.awaitSamples(app, workerId, count);
    }
}
