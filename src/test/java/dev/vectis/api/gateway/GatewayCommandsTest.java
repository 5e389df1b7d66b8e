package dev.vectis.api.gateway;

import static dev.vectis.api.gateway.Gateway.HEARTBEAT_BODY;
import static dev.vectis.api.gateway.Gateway.WORKER;
import static dev.vectis.api.gateway.Gateway.eventBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import dev.vectis.workers.WorkerCommands;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Commands an operator queues: delivered in every heartbeat answer until the worker acknowledges them. */
class GatewayCommandsTest {

    @DbTest
    void aCommandIsDeliveredUntilAcknowledgedAndNeverAfter(TestDatabase db) {
        // Commands queued in one millisecond have no defined order: the clock moves between them.
        MutableClock clock = new MutableClock();
        try (TestApp app = TestApp.start(db, Map.of(), clock)) {
            Gateway.registerOk(app, WORKER, "http://localhost:8001");
            Gateway.registerOk(app, "worker-002", "http://localhost:8002");

            Http.Response queued = queue(app, WORKER, """
                    {"type": "restart_session", "payload": {"sessionId": "user123-session1", "force": true}}""");
            assertThat(queued.status()).as(queued.body()).isEqualTo(201);
            String id = queued.json().get("id").asText();
            assertThat(id).isNotBlank();
            assertThat(queued.json().get("type").asText()).isEqualTo("restart_session");

            // Delivered in the next heartbeat answer, and the one after
            for (int i = 0; i < 2; i++) {
                JsonNode hb = Gateway.heartbeatOk(app, WORKER, HEARTBEAT_BODY);
                assertThat(hb.get("success").asBoolean()).isTrue();
                assertThat(hb.get("data").get("status").asText()).isEqualTo("acknowledged");
                JsonNode commands = hb.get("data").get("commands");
                assertThat(commands).as("heartbeat %d", i + 1).hasSize(1);
                JsonNode c = commands.get(0);
                assertThat(c.get("id").asText()).isEqualTo(id);
                assertThat(c.get("type").asText()).isEqualTo("restart_session");
                assertThat(c.get("payload")).isEqualTo(Gateway.tree(
                        "{\"sessionId\": \"user123-session1\", \"force\": true}"));
            }
            // Not to another worker
            assertThat(Gateway.heartbeatOk(app, "worker-002", "{}").get("data").get("commands")).isEmpty();

            // A second one, queued later, comes after the first
            clock.advance(Duration.ofSeconds(1));
            String second = queue(app, WORKER, "{\"type\": \"logout\", \"payload\": \"everyone\"}").json()
                    .get("id").asText();
            clock.advance(Duration.ofSeconds(1));
            String third = queue(app, WORKER, "{\"type\": \"ping\"}").json().get("id").asText();
            List<JsonNode> pending = Gateway.list(Gateway.heartbeatOk(app, WORKER, "{}").get("data").get("commands"));
            assertThat(pending).extracting(c -> c.get("id").asText()).containsExactly(id, second, third);
            assertThat(pending.get(1).get("payload").asText()).isEqualTo("everyone");
            assertThat(pending.get(2).get("payload").isNull()).isTrue();

            // The worker acknowledges the first: never delivered again
            Gateway.eventOk(app, WORKER, eventBody("command_ack", WORKER, null, Map.of("commandId", id),
                    "2024-01-15T10:31:00.000Z"));
            for (int i = 0; i < 3; i++) {
                assertThat(Gateway.list(Gateway.heartbeatOk(app, WORKER, HEARTBEAT_BODY).get("data").get("commands")))
                        .extracting(c -> c.get("id").asText()).containsExactly(second, third);
            }
            // Acknowledging it again (a retry, or later) changes nothing
            Gateway.eventOk(app, WORKER, eventBody("command_ack", WORKER, null, Map.of("commandId", id),
                    "2024-01-15T10:31:00.000Z"));
            Gateway.eventOk(app, WORKER, eventBody("command_ack", WORKER, null, Map.of("commandId", id),
                    "2024-01-15T10:32:00.000Z"));
            // Another worker cannot acknowledge this worker's command
            Gateway.eventOk(app, "worker-002", eventBody("command_ack", "worker-002", null,
                    Map.of("commandId", second), "2024-01-15T10:33:00.000Z"));
            // An acknowledgement through a webhook counts too
            assertThat(Gateway.sessionWebhook(app, eventBody("command_ack", WORKER, null,
                    Map.of("commandId", third), "2024-01-15T10:34:00.000Z")).status()).isEqualTo(200);
            assertThat(Gateway.list(Gateway.heartbeatOk(app, WORKER, "{}").get("data").get("commands")))
                    .extracting(c -> c.get("id").asText()).containsExactly(second);

            Gateway.eventOk(app, WORKER, eventBody("command_ack", WORKER, null, Map.of("commandId", second),
                    "2024-01-15T10:35:00.000Z"));
            JsonNode none = Gateway.heartbeatOk(app, WORKER, HEARTBEAT_BODY);
            assertThat(none).isEqualTo(Gateway.tree(Gateway.HEARTBEAT_RESPONSE));
            assertThat(Gateway.heartbeatOk(app, WORKER, HEARTBEAT_BODY)).isEqualTo(Gateway.tree(Gateway.HEARTBEAT_RESPONSE));
        }
    }

    @DbTest
    void aCommandQueuedThroughAnotherNodeIsInHeartbeatAnswersWithinTheBound(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (TestApp a = TestApp.start(db, Map.of(), clock); TestApp b = TestApp.start(db, Map.of(), clock)) {
            Gateway.registerOk(a, WORKER, "http://localhost:8001");
            assertThat(Gateway.heartbeatOk(b, WORKER, HEARTBEAT_BODY).get("data").get("commands")).isEmpty();

            String id = queue(a, WORKER, "{\"type\": \"restart_session\"}").json().get("id").asText();
            clock.advance(WorkerCommands.FROM_OTHER_NODES_WITHIN);
            assertThat(Gateway.list(Gateway.heartbeatOk(b, WORKER, HEARTBEAT_BODY).get("data").get("commands")))
                    .extracting(c -> c.get("id").asText()).containsExactly(id);

            // Acknowledged through one node: no node delivers it again, not even for a moment.
            Gateway.eventOk(a, WORKER, eventBody("command_ack", WORKER, null, Map.of("commandId", id),
                    "2024-01-15T10:31:00.000Z"));
            assertThat(Gateway.heartbeatOk(b, WORKER, HEARTBEAT_BODY)).isEqualTo(Gateway.tree(Gateway.HEARTBEAT_RESPONSE));
            assertThat(Gateway.heartbeatOk(a, WORKER, HEARTBEAT_BODY)).isEqualTo(Gateway.tree(Gateway.HEARTBEAT_RESPONSE));
        }
    }

    @DbTest
    void commandsNeedAWorkerAndAType(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            assertThat(queue(app, "nobody", "{\"type\": \"restart\"}").status()).isEqualTo(404);
            Gateway.registerOk(app, WORKER, "http://localhost:8001");
            for (String bad : List.of("{}", "{\"type\": \"\"}", "{\"type\": 5}", "{\"payload\": {}}", "not json",
                    "{\"type\": \"" + "t".repeat(101) + "\"}")) {
                Http.Response r = queue(app, WORKER, bad);
                assertThat(r.status()).as("%s: %s", bad, r.body()).isEqualTo(400);
            }
            assertThat(queue(app, WORKER, "{\"type\": \"big\", \"payload\": \"" + "x".repeat(70_000) + "\"}").status())
                    .isEqualTo(400);
            assertThat(Gateway.heartbeatOk(app, WORKER, "{}").get("data").get("commands")).isEmpty();

            // A command of a worker that is unregistered goes with it
            assertThat(queue(app, WORKER, "{\"type\": \"restart\"}").status()).isEqualTo(201);
            assertThat(Gateway.unregister(app, WORKER).status()).isEqualTo(200);
            Gateway.registerOk(app, WORKER, "http://localhost:8001");
            assertThat(Gateway.heartbeatOk(app, WORKER, "{}").get("data").get("commands")).isEmpty();
        }
    }

    private static Http.Response queue(TestApp app, String workerId, String body) {
        return app.http.post("/admin/workers/" + workerId + "/commands", body, TestApp.admin());
    }
}
