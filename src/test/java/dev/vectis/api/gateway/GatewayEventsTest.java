package dev.vectis.api.gateway;

import static dev.vectis.api.gateway.Gateway.MESSAGE_STATUS_BODY;
import static dev.vectis.api.gateway.Gateway.MESSAGE_STATUS_UPDATED;
import static dev.vectis.api.gateway.Gateway.QR_READY_BODY;
import static dev.vectis.api.gateway.Gateway.SESSION;
import static dev.vectis.api.gateway.Gateway.SESSION_STATUS_UPDATED;
import static dev.vectis.api.gateway.Gateway.STATUS_CHANGED_BODY;
import static dev.vectis.api.gateway.Gateway.WORKER;
import static dev.vectis.api.gateway.Gateway.assertError;
import static dev.vectis.api.gateway.Gateway.assertJson;
import static dev.vectis.api.gateway.Gateway.eventBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Events and webhooks: stored once however often a worker retries, every name accepted, paged for operators. */
class GatewayEventsTest {

    // ---------------------------------------------------------------- idempotency

    @DbTest
    void aRetriedWebhookIsAcknowledgedAndStoredOnce(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Gateway.registerOk(app, WORKER, "http://localhost:8001");

            assertJson(Gateway.messageWebhook(app, MESSAGE_STATUS_BODY), 200, MESSAGE_STATUS_UPDATED);
            assertJson(Gateway.messageWebhook(app, MESSAGE_STATUS_BODY), 200, MESSAGE_STATUS_UPDATED);
            assertJson(Gateway.sessionWebhook(app, QR_READY_BODY), 200, SESSION_STATUS_UPDATED);
            assertJson(Gateway.sessionWebhook(app, QR_READY_BODY), 200, SESSION_STATUS_UPDATED);
            Gateway.eventOk(app, WORKER, STATUS_CHANGED_BODY);
            Gateway.eventOk(app, WORKER, STATUS_CHANGED_BODY);

            List<JsonNode> events = Gateway.eventList(app, WORKER);
            assertThat(events).extracting(e -> e.get("type").asText())
                    .containsExactly("session_status_changed", "qr_ready", "message_status");

            // A retry with other key fields is another event: the timestamp, the message id
            Map<String, Object> later = Gateway.object(MESSAGE_STATUS_BODY);
            later.put("timestamp", "2024-01-15T10:30:05.000Z");
            assertThat(Gateway.messageWebhook(app, Gateway.write(later)).status()).isEqualTo(200);
            assertThat(Gateway.messageWebhook(app, Gateway.write(later)).status()).isEqualTo(200);
            Map<String, Object> other = Gateway.object(MESSAGE_STATUS_BODY);
            @SuppressWarnings("unchecked")
            Map<String, Object> data = (Map<String, Object>) other.get("data");
            data.put("messageId", "msg_67890");
            assertThat(Gateway.messageWebhook(app, Gateway.write(other)).status()).isEqualTo(200);
            assertThat(Gateway.eventList(app, WORKER)).extracting(e -> e.get("messageId").asText(null))
                    .containsExactly("msg_67890", "msg_12345", null, null, "msg_12345");

            // The retried session event did not move the session back: a later state stays
            Gateway.eventOk(app, WORKER, eventBody("session_disconnected", WORKER, SESSION, Map.of(),
                    "2024-01-15T10:40:00.000Z"));
            assertThat(Gateway.sessionWebhook(app, QR_READY_BODY).status()).isEqualTo(200);
            assertThat(Gateway.session(app, SESSION).get("status").asText())
                    .as("a retried qr_ready is not applied again").isEqualTo("disconnected");
        }
    }

    @DbTest
    void concurrentDeliveriesOfOneEventAreStoredOnce(TestDatabase db) throws Exception {
        try (TestApp app = TestApp.start(db)) {
            Gateway.registerOk(app, WORKER, "http://localhost:8001");
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Callable<Http.Response>> calls = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    calls.add(() -> Gateway.messageWebhook(app, MESSAGE_STATUS_BODY));
                }
                for (Future<Http.Response> f : pool.invokeAll(calls, 60, TimeUnit.SECONDS)) {
                    assertJson(f.get(), 200, MESSAGE_STATUS_UPDATED);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(Gateway.eventList(app, WORKER)).hasSize(1);
        }
    }

    // ---------------------------------------------------------------- names

    @DbTest
    void everyNameOfTheSpecIsKnown(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Gateway.registerOk(app, WORKER, "http://localhost:8001");
            List<String> session = List.of("session_created", "session_qr_ready", "session_connected",
                    "session_disconnected", "session_deleted", "session_status_changed", "qr_ready");
            List<String> message = List.of("message_sent", "message_received", "message_failed", "message_status");
            List<String> worker = List.of("worker_started", "worker_stopping", "worker_error");
            for (String name : session) {
                Gateway.eventOk(app, WORKER, eventBody(name, WORKER, "s-" + name, Map.of(), "t"));
            }
            for (String name : message) {
                Gateway.eventOk(app, WORKER, eventBody(name, WORKER, SESSION, Map.of("messageId", "m-" + name), "t"));
            }
            for (String name : worker) {
                Gateway.eventOk(app, WORKER, eventBody(name, WORKER, null, Map.of("reason", "test"), "t"));
            }
            List<JsonNode> events = Gateway.eventList(app, WORKER);
            assertThat(events).hasSize(session.size() + message.size() + worker.size());
            assertThat(events).allSatisfy(e -> assertThat(e.get("known").asBoolean()).as(e.toString()).isTrue());
            // worker_error is recorded with what the worker said
            JsonNode error = events.get(0);
            assertThat(error.get("type").asText()).isEqualTo("worker_error");
            assertThat(error.get("data").get("data").get("reason").asText()).isEqualTo("test");
        }
    }

    @DbTest
    void unknownWellFormedNamesAreStoredAndFlagged(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Gateway.registerOk(app, WORKER, "http://localhost:8001");

            Gateway.eventOk(app, WORKER, eventBody("session_reaction_added", WORKER, SESSION,
                    Map.of("emoji", "+1"), "2024-01-15T10:30:00.000Z"));
            Gateway.eventOk(app, WORKER, eventBody("custom_thing", WORKER, SESSION, Map.of("x", 1),
                    "2024-01-15T10:30:00.000Z"));
            assertJson(Gateway.sessionWebhook(app, eventBody("custom.v2:thing-happened", WORKER, SESSION, Map.of(),
                    "2024-01-15T10:30:00.000Z")), 200, SESSION_STATUS_UPDATED);
            assertJson(Gateway.messageWebhook(app, eventBody("message_reaction", WORKER, SESSION,
                    Map.of("messageId", "msg_1"), "2024-01-15T10:30:00.000Z")), 200, MESSAGE_STATUS_UPDATED);

            List<JsonNode> events = Gateway.eventList(app, WORKER);
            assertThat(events).extracting(e -> e.get("type").asText())
                    .containsExactly("message_reaction", "custom.v2:thing-happened", "custom_thing",
                            "session_reaction_added");
            JsonNode custom = events.get(2);
            assertThat(custom.get("known").asBoolean()).as("custom_thing is not a name Vectis knows").isFalse();
            assertThat(custom.get("data").get("data").get("x").asInt()).isEqualTo(1);
            assertThat(events.get(1).get("known").asBoolean()).isFalse();

            // Malformed names are refused
            for (String bad : List.of("Bad Name!", "SESSION_CONNECTED", "1st_event", "with space", "_x",
                    "x".repeat(101))) {
                assertError(Gateway.event(app, WORKER, eventBody(bad, WORKER, SESSION, Map.of(), "t")), 400, null,
                        "event");
            }
            assertThat(Gateway.eventList(app, WORKER)).hasSize(4);
        }
    }

    // ---------------------------------------------------------------- paging

    @DbTest
    void workerEventsArePagedNewestFirst(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Gateway.registerOk(app, WORKER, "http://localhost:8001");
            Gateway.registerOk(app, "worker-002", "http://localhost:8002");
            for (int i = 1; i <= 5; i++) {
                Gateway.eventOk(app, WORKER, eventBody("session_connected", WORKER, "s-" + i, Map.of(), "t" + i));
                Gateway.eventOk(app, "worker-002", eventBody("session_connected", "worker-002", "other-" + i,
                        Map.of(), "t" + i));
            }

            List<String> seen = new ArrayList<>();
            Set<Long> ids = new HashSet<>();
            String cursor = null;
            List<Integer> sizes = new ArrayList<>();
            do {
                JsonNode page = Gateway.events(app, WORKER, "?limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
                sizes.add(page.get("events").size());
                for (JsonNode e : page.get("events")) {
                    // Its registration comes first, with no session.
                    seen.add(e.get("sessionId").asText(""));
                    assertThat(ids.add(e.get("id").asLong())).as("no event twice").isTrue();
                    assertThat(e.get("workerId").asText()).isEqualTo(WORKER);
                }
                cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            } while (cursor != null && sizes.size() < 10);
            assertThat(sizes).containsExactly(2, 2, 2);
            assertThat(seen).containsExactly("s-5", "s-4", "s-3", "s-2", "s-1", "");

            // The whole list fits: no cursor
            JsonNode all = Gateway.events(app, WORKER, "?limit=6");
            assertThat(all.get("events")).hasSize(6);
            assertThat(all.get("nextCursor").isNull()).isTrue();
            assertThat(Gateway.events(app, WORKER, "").get("events")).hasSize(6);

            // Bad paging parameters
            for (String q : List.of("?limit=0", "?limit=1001", "?limit=two", "?cursor=abc")) {
                Http.Response r = app.http.get("/api/v1/workers/" + WORKER + "/events" + q, TestApp.admin());
                assertError(r, 400, null, q.contains("limit") ? "limit" : "cursor");
            }
            // An unknown worker has no events to show
            assertError(app.http.get("/api/v1/workers/nobody/events", TestApp.admin()), 404, null, null);
        }
    }
}
