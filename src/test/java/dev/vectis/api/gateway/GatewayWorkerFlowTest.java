package dev.vectis.api.gateway;

import static dev.vectis.api.gateway.Gateway.EVENT_RECEIVED;
import static dev.vectis.api.gateway.Gateway.HEARTBEAT_BODY;
import static dev.vectis.api.gateway.Gateway.HEARTBEAT_RESPONSE;
import static dev.vectis.api.gateway.Gateway.MESSAGE_STATUS_BODY;
import static dev.vectis.api.gateway.Gateway.MESSAGE_STATUS_UPDATED;
import static dev.vectis.api.gateway.Gateway.QR_CODE;
import static dev.vectis.api.gateway.Gateway.QR_READY_BODY;
import static dev.vectis.api.gateway.Gateway.REGISTER_BODY;
import static dev.vectis.api.gateway.Gateway.REGISTER_RESPONSE;
import static dev.vectis.api.gateway.Gateway.SESSION;
import static dev.vectis.api.gateway.Gateway.SESSION_STATUS_UPDATED;
import static dev.vectis.api.gateway.Gateway.UNREGISTERED;
import static dev.vectis.api.gateway.Gateway.WORKER;
import static dev.vectis.api.gateway.Gateway.assertError;
import static dev.vectis.api.gateway.Gateway.assertJson;
import static dev.vectis.api.gateway.Gateway.texts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.util.List;
import java.util.Map;

/**
 * The spec's "Testing the Integration" flow, as a worker written against the document runs
 * it: register, heartbeat, QR code, connected, message delivered, unregister; with what an
 * operator sees between the steps.
 */
class GatewayWorkerFlowTest {

    @DbTest
    void theSpecsWorkerFlowRunsEndToEnd(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            // 1. Worker Registration: the spec's body, the spec's answer
            assertJson(Gateway.register(app, REGISTER_BODY), 200, REGISTER_RESPONSE);

            JsonNode registered = Gateway.worker(app, WORKER);
            assertThat(registered.get("workerId").asText()).isEqualTo(WORKER);
            assertThat(registered.get("status").asText()).isEqualTo("ONLINE");
            assertThat(registered.get("liveness").asText()).isEqualTo("online");
            assertThat(registered.get("endpoint").asText()).isEqualTo("http://localhost:8001");
            assertThat(registered.get("maxSessions").asInt()).isEqualTo(50);
            assertThat(registered.get("description").asText()).isEqualTo("Primary worker instance");
            assertThat(registered.get("version").asText()).isEqualTo("1.0.0");
            assertThat(registered.get("environment").asText()).isEqualTo("PRODUCTION");
            assertThat(registered.get("currentSessions").asInt()).isZero();
            assertThat(registered.get("assignedSessions")).isEmpty();
            assertThat(registered.get("lastMetrics").isNull()).as("no heartbeat yet").isTrue();

            // 2. Worker Heartbeat: the spec's metrics, the spec's answer
            assertJson(Gateway.heartbeat(app, WORKER, HEARTBEAT_BODY), 200, HEARTBEAT_RESPONSE);

            // The sample is written by the batch flush: wait for it
            JsonNode afterBeat = Gateway.awaitWorker(app, WORKER, "lastMetrics",
                    w -> !w.get("lastMetrics").isNull());
            assertThat(afterBeat.get("status").asText()).isEqualTo("ONLINE");
            JsonNode m = afterBeat.get("lastMetrics");
            assertThat(m.get("status").asText()).isEqualTo("ONLINE");
            assertThat(m.get("cpuUsage").asDouble()).isEqualTo(45.5);
            assertThat(m.get("memoryUsage").asDouble()).isEqualTo(67.8);
            assertThat(m.get("uptime").asLong()).isEqualTo(3600);
            assertThat(m.get("messageCount").asLong()).isEqualTo(1250);
            assertThat(m.get("sessions")).isEqualTo(Gateway.tree("""
                    {"total": 25, "connected": 20, "disconnected": 2, "qr_required": 2, "reconnecting": 1,
                     "error": 0}"""));
            assertThat(m.get("timestamp").asText()).isEqualTo("2024-01-15T10:30:00.000Z");

            // 5. Session Status Webhook: the QR code is ready
            assertJson(Gateway.sessionWebhook(app, QR_READY_BODY), 200, SESSION_STATUS_UPDATED);

            JsonNode qr = Gateway.session(app, SESSION);
            assertThat(qr.get("sessionId").asText()).isEqualTo(SESSION);
            assertThat(qr.get("workerId").asText()).isEqualTo(WORKER);
            assertThat(qr.get("status").asText()).isEqualTo("qr_required");
            assertThat(qr.get("qrCode").asText()).isEqualTo(QR_CODE);
            assertThat(qr.get("qrString").asText()).isEqualTo("1@ABC123XYZ...");
            assertThat(qr.get("phoneNumber").isNull()).isTrue();
            JsonNode withSession = Gateway.worker(app, WORKER);
            assertThat(withSession.get("currentSessions").asInt()).isEqualTo(1);
            assertThat(texts(withSession.get("assignedSessions"))).containsExactly(SESSION);

            // 3. Worker Events: the session is connected
            assertJson(Gateway.event(app, WORKER, Gateway.eventBody("session_connected", WORKER, SESSION,
                    Map.of("status", "connected", "phoneNumber", "+6281234567890"), "2024-01-15T10:31:00.000Z")),
                    200, EVENT_RECEIVED);

            JsonNode connected = Gateway.session(app, SESSION);
            assertThat(connected.get("status").asText()).isEqualTo("connected");
            assertThat(connected.get("phoneNumber").asText()).isEqualTo("+6281234567890");
            assertThat(connected.get("workerId").asText()).isEqualTo(WORKER);
            assertThat(connected.get("qrCode").asText()).as("the last QR code is kept").isEqualTo(QR_CODE);
            assertThat(texts(Gateway.worker(app, WORKER).get("assignedSessions"))).containsExactly(SESSION);

            // 6. Message Status Webhook: a message was delivered
            assertJson(Gateway.messageWebhook(app, MESSAGE_STATUS_BODY), 200, MESSAGE_STATUS_UPDATED);
            assertThat(app.app().features().chatSessions().messageStatus("msg_12345")).hasValue("delivered");

            // Every event is stored with its payload, newest first
            List<JsonNode> events = Gateway.eventList(app, WORKER);
            assertThat(events).extracting(e -> e.get("type").asText())
                    .containsExactly("message_status", "session_connected", "qr_ready");
            assertThat(events).extracting(e -> e.get("source").asText())
                    .containsExactly("gateway:message-status", "gateway:events", "gateway:session-status");
            assertThat(events).allSatisfy(e -> {
                assertThat(e.get("workerId").asText()).isEqualTo(WORKER);
                assertThat(e.get("sessionId").asText()).isEqualTo(SESSION);
                assertThat(e.get("known").asBoolean()).isTrue();
            });
            JsonNode delivered = events.get(0);
            assertThat(delivered.get("messageId").asText()).isEqualTo("msg_12345");
            assertThat(delivered.get("data").get("data")).isEqualTo(Gateway.tree(MESSAGE_STATUS_BODY).get("data"));
            assertThat(delivered.get("data").get("timestamp").asText()).isEqualTo("2024-01-15T10:30:00.000Z");
            assertThat(events.get(2).get("data").get("data")).isEqualTo(Gateway.tree(QR_READY_BODY).get("data"));

            // 4. Worker Unregistration
            assertJson(Gateway.unregister(app, WORKER), 200, UNREGISTERED);

            JsonNode after = Gateway.session(app, SESSION);
            assertThat(after.get("status").asText()).as("a session of a worker that left").isEqualTo("disconnected");
            Http.Response gone = app.http.get("/api/v1/workers/" + WORKER, TestApp.admin());
            assertError(gone, 404, null, null);
            assertThat(app.http.get("/api/v1/workers", TestApp.admin()).json().get("data").get("count").asInt())
                    .isZero();

            // A worker that was unregistered is told to register again
            assertError(Gateway.heartbeat(app, WORKER, HEARTBEAT_BODY), 404, "WORKER_NOT_REGISTERED", null);
            assertError(Gateway.unregister(app, WORKER), 404, null, null);

            // ... and it can
            assertJson(Gateway.register(app, REGISTER_BODY), 200, REGISTER_RESPONSE);
            assertJson(Gateway.heartbeat(app, WORKER, HEARTBEAT_BODY), 200, HEARTBEAT_RESPONSE);
        }
    }

    @DbTest
    void theSpecsEventsExampleUpdatesTheSession(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            assertJson(Gateway.register(app, REGISTER_BODY), 200, REGISTER_RESPONSE);

            assertJson(Gateway.event(app, WORKER, Gateway.STATUS_CHANGED_BODY), 200, EVENT_RECEIVED);

            JsonNode s = Gateway.session(app, SESSION);
            assertThat(s.get("status").asText()).isEqualTo("connected");
            assertThat(s.get("phoneNumber").asText()).isEqualTo("+6281234567890");
            assertThat(s.get("qrCode").asText()).isEqualTo(QR_CODE);
            assertThat(s.get("workerId").asText()).isEqualTo(WORKER);
            assertThat(s.get("createdAt").asText()).isNotBlank();
            assertThat(s.get("updatedAt").asText()).isNotBlank();

            // The spec's event lists: each name changes what the operator sees
            String[][] steps = {
                {"session_created", "created"}, {"session_qr_ready", "qr_required"},
                {"session_connected", "connected"}, {"session_disconnected", "disconnected"},
                {"session_deleted", "deleted"}};
            int i = 0;
            for (String[] step : steps) {
                Gateway.eventOk(app, WORKER, Gateway.eventBody(step[0], WORKER, "s-2", Map.of(),
                        "2024-01-15T11:00:0" + i++ + ".000Z"));
                assertThat(Gateway.session(app, "s-2").get("status").asText()).as(step[0]).isEqualTo(step[1]);
            }
            String[][] messages = {{"message_sent", "sent"}, {"message_received", "received"},
                {"message_failed", "failed"}};
            for (String[] step : messages) {
                Gateway.eventOk(app, WORKER, Gateway.eventBody(step[0], WORKER, SESSION,
                        Map.of("messageId", "m-" + step[0]), "2024-01-15T11:00:00.000Z"));
                assertThat(app.app().features().chatSessions().messageStatus("m-" + step[0])).as(step[0])
                        .hasValue(step[1]);
            }

            // A session that another worker reports follows it
            Gateway.registerOk(app, "worker-002", "http://localhost:8002");
            Gateway.eventOk(app, "worker-002", Gateway.eventBody("session_connected", "worker-002", SESSION,
                    Map.of(), "2024-01-15T12:00:00.000Z"));
            assertThat(Gateway.session(app, SESSION).get("workerId").asText()).isEqualTo("worker-002");
            assertThat(texts(Gateway.worker(app, "worker-002").get("assignedSessions"))).containsExactly(SESSION);
            assertThat(Gateway.worker(app, WORKER).get("assignedSessions")).isEmpty();

            // An unknown session is a 404 in the spec's envelope
            assertError(app.http.get("/api/v1/sessions/nope", TestApp.admin()), 404, null, null);
        }
    }
}
