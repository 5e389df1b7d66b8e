package dev.vectis.api.gateway;

import static dev.vectis.api.gateway.Gateway.HEARTBEAT_BODY;
import static dev.vectis.api.gateway.Gateway.MESSAGE_STATUS_BODY;
import static dev.vectis.api.gateway.Gateway.QR_READY_BODY;
import static dev.vectis.api.gateway.Gateway.REGISTER_BODY;
import static dev.vectis.api.gateway.Gateway.REGISTER_RESPONSE;
import static dev.vectis.api.gateway.Gateway.STATUS_CHANGED_BODY;
import static dev.vectis.api.gateway.Gateway.WORKER;
import static dev.vectis.api.gateway.Gateway.assertError;
import static dev.vectis.api.gateway.Gateway.assertJson;
import static dev.vectis.api.gateway.Gateway.registration;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.util.List;
import java.util.Map;

/**
 * Every refusal of the gateway in the spec's envelope {@code {"success": false, "error",
 * "code"}}: tokens, validation naming the field, unknown workers, endpoint conflicts; and
 * re-registration after a restart.
 */
class GatewayErrorsTest {

    /** Method, path and a valid body of each of the spec's six endpoints. */
    private static final List<String[]> WORKER_ENDPOINTS = List.of(
            new String[] {"POST", "/api/v1/workers/register", REGISTER_BODY},
            new String[] {"PUT", "/api/v1/workers/worker-001/heartbeat", HEARTBEAT_BODY},
            new String[] {"POST", "/api/v1/workers/worker-001/events", STATUS_CHANGED_BODY},
            new String[] {"POST", "/api/v1/webhooks/session-status", QR_READY_BODY},
            new String[] {"POST", "/api/v1/webhooks/message-status", MESSAGE_STATUS_BODY},
            new String[] {"DELETE", "/api/v1/workers/worker-001", null});

    /** The operator endpoints (admin token only). */
    private static final List<String[]> ADMIN_ENDPOINTS = List.of(
            new String[] {"GET", "/api/v1/workers/worker-001", null},
            new String[] {"GET", "/api/v1/workers/worker-001/metrics?since=0", null},
            new String[] {"GET", "/api/v1/workers/worker-001/events", null},
            new String[] {"GET", "/api/v1/sessions/user123-session1", null},
            new String[] {"GET", "/api/v1/events/stream", null});

    // ---------------------------------------------------------------- tokens

    @DbTest
    void everyWorkerEndpointRefusesAMissingOrWrongToken(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            assertJson(Gateway.register(app, REGISTER_BODY), 200, REGISTER_RESPONSE);
            String[][] badAuth = {
                {}, {"Authorization", "Bearer wrong-token"}, {"Authorization", "Bearer "},
                {"Authorization", "Basic " + TestApp.WORKER_TOKEN}, {"Authorization", TestApp.WORKER_TOKEN},
                {"Authorization", "Bearer worker-secret-token-12345"}};
            for (String[] call : WORKER_ENDPOINTS) {
                for (String[] auth : badAuth) {
                    Http.Response r = send(app, call[0], call[1], call[2], auth);
                    assertError(r, 401, "UNAUTHORIZED", null);
                    assertThat(r.header("WWW-Authenticate")).as("%s %s", call[0], call[1]).startsWith("Bearer");
                }
            }
            // Nothing was done by the refused calls
            JsonNode w = Gateway.worker(app, WORKER);
            assertThat(w.get("lastMetrics").isNull()).isTrue();
            assertThat(Gateway.eventList(app, WORKER)).isEmpty();
        }
    }

    @DbTest
    void workerEndpointsTakeAnyWorkerTokenOrTheAdminToken(TestDatabase db) {
        String second = "second-worker-token-0123456789abcdef";
        try (TestApp app = TestApp.start(db, Map.of("VECTIS_WORKER_TOKENS", TestApp.WORKER_TOKEN + "," + second))) {
            assertJson(app.http.post("/api/v1/workers/register", REGISTER_BODY, TestApp.admin()), 200,
                    REGISTER_RESPONSE);
            assertThat(app.http.method("PUT", "/api/v1/workers/worker-001/heartbeat", HEARTBEAT_BODY,
                    "Authorization", "Bearer " + second, "Content-Type", "application/json").status()).isEqualTo(200);
            assertThat(app.http.post("/api/v1/webhooks/session-status", QR_READY_BODY,
                    "Authorization", "Bearer " + second).status()).isEqualTo(200);
            assertThat(app.http.method("DELETE", "/api/v1/workers/worker-001", null, TestApp.admin()).status())
                    .isEqualTo(200);
        }
    }

    @DbTest
    void operatorEndpointsNeedTheAdminToken(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            assertJson(Gateway.register(app, REGISTER_BODY), 200, REGISTER_RESPONSE);
            assertThat(Gateway.sessionWebhook(app, QR_READY_BODY).status()).isEqualTo(200);
            for (String[] call : ADMIN_ENDPOINTS) {
                assertError(send(app, call[0], call[1], call[2], TestApp.worker()), 403, null, null);
                assertError(send(app, call[0], call[1], call[2]), 401, "UNAUTHORIZED", null);
                assertError(send(app, call[0], call[1], call[2], "Authorization", "Bearer wrong"), 401,
                        "UNAUTHORIZED", null);
            }
            // Commands are queued by operators only
            String command = "{\"type\": \"restart\", \"payload\": {}}";
            assertThat(app.http.post("/admin/workers/worker-001/commands", command, TestApp.worker()).status())
                    .isEqualTo(403);
            assertThat(app.http.post("/admin/workers/worker-001/commands", command).status()).isEqualTo(401);
            assertThat(app.http.get("/api/v1/workers", TestApp.worker()).status()).isEqualTo(403);
            assertThat(app.http.get("/api/v1/workers").status()).isEqualTo(401);
            // The admin token passes
            for (String[] call : ADMIN_ENDPOINTS) {
                if (!call[1].endsWith("/stream")) {
                    assertThat(send(app, call[0], call[1], call[2], TestApp.admin()).status()).as(call[1])
                            .isEqualTo(200);
                }
            }
        }
    }

    @DbTest
    void theWorkerListAnswersErrorsInTheSpecsEnvelopeToo(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            // GET /api/v1/workers is the gateway's operator list, like GET /api/v1/workers/{id}; its refusals
            // should use the same envelope as its siblings. ErrorRenderer picks the shape by path only, and
            // FleetApi.owns("/api/v1/workers") (for the fleet contract's POST) claims it.
            for (Http.Response r : List.of(app.http.get("/api/v1/workers", TestApp.worker()),
                    app.http.get("/api/v1/workers"), app.http.get("/api/v1/workers?limit=0", TestApp.admin()))) {
                assertThat(keys(r))
                        .as("INCONSISTENCY: GET /api/v1/workers answers errors in the fleet contract's shape, not the "
                                + "gateway's {success, error, code} of every other /api/v1 gateway endpoint: %s",
                                r.body())
                        .containsExactlyInAnyOrder("success", "error", "code");
            }
            assertError(app.http.get("/api/v1/workers", TestApp.worker()), 403, null, null);
            assertError(app.http.get("/api/v1/workers"), 401, "UNAUTHORIZED", null);
            assertError(app.http.get("/api/v1/workers?limit=0", TestApp.admin()), 400, null, "limit");
        }
    }

    // ---------------------------------------------------------------- registration

    @DbTest
    void registrationNamesTheFieldItRefuses(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            refused(app, removeWorkerId(), "workerId");
            refused(app, registration("", "http://localhost:8001", Map.of()), "workerId");
            refused(app, registration("bad id with spaces", "http://localhost:8001", Map.of()), "workerId");
            refused(app, registration("w".repeat(101), "http://localhost:8001", Map.of()), "workerId");
            refused(app, registration(WORKER, "ftp://x", Map.of()), "endpoint");
            refused(app, registration(WORKER, "not a url", Map.of()), "endpoint");
            refused(app, registration(WORKER, "localhost:8001", Map.of()), "endpoint");
            refused(app, registration(WORKER, "", Map.of()), "endpoint");
            refused(app, Gateway.write(without(Gateway.object(REGISTER_BODY), "endpoint")), "endpoint");
            refused(app, registration(WORKER, "http://localhost:8001", Map.of("maxSessions", 0)), "maxSessions");
            refused(app, registration(WORKER, "http://localhost:8001", Map.of("maxSessions", -5)), "maxSessions");
            refused(app, registration(WORKER, "http://localhost:8001", Map.of("maxSessions", 10_001)), "maxSessions");
            refused(app, registration(WORKER, "http://localhost:8001", Map.of("status", "BUSY")), "status");
            refused(app, registration(WORKER, "http://localhost:8001", Map.of("status", "")), "status");
            refused(app, registration(WORKER, "http://localhost:8001", Map.of("environment", "PROD")), "environment");
            refused(app, registration(WORKER, "http://localhost:8001", Map.of("version", "v".repeat(101))), "version");
            // Wrong JSON types
            refused(app, registration(WORKER, "http://localhost:8001", Map.of("maxSessions", "50")), "maxSessions");
            refused(app, registration(WORKER, "http://localhost:8001", Map.of("maxSessions", 50.5)), "maxSessions");
            refused(app, registration(WORKER, "http://localhost:8001", Map.of("maxSessions", List.of(50))),
                    "maxSessions");
            refused(app, registration(WORKER, "http://localhost:8001", Map.of("status", 1)), "status");
            refused(app, registration(WORKER, "http://localhost:8001", Map.of("environment", true)), "environment");
            refused(app, registration(WORKER, "http://localhost:8001", Map.of("version", 1.0)), "version");
            refused(app, registration(WORKER, "http://localhost:8001", Map.of("description", Map.of())),
                    "description");
            refused(app, REGISTER_BODY.replace("\"worker-001\"", "123"), "workerId");
            refused(app, REGISTER_BODY.replace("\"http://localhost:8001\"", "8001"), "endpoint");

            // None of them registered anything
            assertError(app.http.get("/api/v1/workers/" + WORKER, TestApp.admin()), 404, null, null);
            assertThat(app.http.get("/api/v1/workers", TestApp.admin()).json().get("data").get("count").asInt())
                    .isZero();

            // The bounds themselves are accepted, and every documented status and environment
            assertThat(Gateway.register(app, registration("w-min", "http://localhost:9001",
                    Map.of("maxSessions", 1))).status()).isEqualTo(200);
            assertThat(Gateway.register(app, registration("w-max", "https://workers.example.com:9002/x",
                    Map.of("maxSessions", 10_000))).status()).isEqualTo(200);
            int port = 9100;
            for (String status : List.of("ONLINE", "OFFLINE", "MAINTENANCE")) {
                for (String env : List.of("DEVELOPMENT", "STAGING", "TESTING", "PRODUCTION")) {
                    String id = "w-" + status + "-" + env;
                    Http.Response r = Gateway.register(app, registration(id, "http://localhost:" + port++,
                            Map.of("status", status, "environment", env)));
                    assertThat(r.status()).as("%s %s: %s", status, env, r.body()).isEqualTo(200);
                    assertThat(Gateway.worker(app, id).get("environment").asText()).isEqualTo(env);
                }
            }
            // Only the spec's required fields: the defaults of its schema
            assertThat(Gateway.register(app, "{\"workerId\": \"w-minimal\", \"endpoint\": \"http://10.0.0.9:8001\"}")
                    .status()).isEqualTo(200);
            JsonNode minimal = Gateway.worker(app, "w-minimal");
            assertThat(minimal.get("maxSessions").asInt()).isEqualTo(50);
            assertThat(minimal.get("environment").asText()).isEqualTo("DEVELOPMENT");
        }
    }

    @DbTest
    void malformedBodiesAreRefusedInTheSpecsEnvelope(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            assertJson(Gateway.register(app, REGISTER_BODY), 200, REGISTER_RESPONSE);
            for (String[] call : WORKER_ENDPOINTS) {
                if (call[2] == null) {
                    continue;
                }
                for (String bad : List.of("{\"workerId\": ", "not json", "[]", "\"text\"", "{} {}",
                        "{\"workerId\": \"a\", \"workerId\": \"b\"}")) {
                    Http.Response r = send(app, call[0], call[1], bad, TestApp.worker());
                    assertError(r, 400, null, null);
                }
                assertError(send(app, call[0], call[1], "", TestApp.worker()), 400, null, null);
            }
            // The worker was not disturbed
            assertThat(Gateway.eventList(app, WORKER)).isEmpty();
        }
    }

    // ---------------------------------------------------------------- heartbeats

    @DbTest
    void heartbeatsOfUnknownWorkersAskForARegistration(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            assertError(Gateway.heartbeat(app, "worker-unknown", HEARTBEAT_BODY), 404, "WORKER_NOT_REGISTERED",
                    null);
            assertError(Gateway.heartbeat(app, "worker-unknown", "{}"), 404, "WORKER_NOT_REGISTERED", null);
            // Once registered, even a heartbeat without any metrics is acknowledged
            Gateway.registerOk(app, WORKER, "http://localhost:8001");
            assertThat(Gateway.heartbeat(app, WORKER, "{}").status()).as("a heartbeat without metrics")
                    .isEqualTo(200);
        }
    }

    @DbTest
    void heartbeatsNameTheFieldTheyRefuse(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Gateway.registerOk(app, WORKER, "http://localhost:8001");
            Map<String, Object> cases = new java.util.LinkedHashMap<>();
            cases.put("status", "BUSY");
            cases.put("cpuUsage", "high");
            cases.put("memoryUsage", -1);
            cases.put("uptime", "1h");
            cases.put("messageCount", 1.5);
            cases.put("sessions", "many");
            cases.put("timestamp", 20240115);
            for (Map.Entry<String, Object> c : cases.entrySet()) {
                Map<String, Object> body = Gateway.object(HEARTBEAT_BODY);
                body.put(c.getKey(), c.getValue());
                assertError(Gateway.heartbeat(app, WORKER, Gateway.write(body)), 400, null, c.getKey());
            }
            // The spec sets no upper bound: several cores report over 100 %, and Node's uptime is fractional.
            Map<String, Object> body = Gateway.object(HEARTBEAT_BODY);
            body.put("cpuUsage", 350.5);
            body.put("uptime", 3600.25);
            assertThat(Gateway.heartbeat(app, WORKER, Gateway.write(body)).status()).isEqualTo(200);
            assertError(Gateway.heartbeat(app, WORKER, HEARTBEAT_BODY.replace("\"connected\": 20", "\"connected\": -1")),
                    400, null, "connected");
            // Numbers as text are what some workers send; text that is no number is still refused
            assertThat(Gateway.heartbeat(app, WORKER, HEARTBEAT_BODY.replace("\"total\": 25", "\"total\": \"25\""))
                    .status()).isEqualTo(200);
            assertError(Gateway.heartbeat(app, WORKER, HEARTBEAT_BODY.replace("\"total\": 25", "\"total\": \"many\"")),
                    400, null, "total");
            assertError(Gateway.heartbeat(app, "bad%20id!", HEARTBEAT_BODY), 400, null, "workerId");
        }
    }

    // ---------------------------------------------------------------- events

    @DbTest
    void eventsNameTheFieldTheyRefuse(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Gateway.registerOk(app, WORKER, "http://localhost:8001");
            Map<String, Object> qr = Gateway.object(QR_READY_BODY);
            Map<String, Object> msg = Gateway.object(MESSAGE_STATUS_BODY);
            Map<String, Object> changed = Gateway.object(STATUS_CHANGED_BODY);

            // Missing event
            assertError(Gateway.sessionWebhook(app, Gateway.write(without(qr, "event"))), 400, null, "event");
            assertError(Gateway.messageWebhook(app, Gateway.write(without(msg, "event"))), 400, null, "event");
            assertError(Gateway.event(app, WORKER, Gateway.write(without(changed, "event"))), 400, null, "event");
            assertError(Gateway.event(app, WORKER, Gateway.write(with(changed, "event", ""))), 400, null, "event");
            assertError(Gateway.event(app, WORKER, Gateway.write(with(changed, "event", 7))), 400, null, "event");
            // Missing sessionId for a session or message event
            assertError(Gateway.sessionWebhook(app, Gateway.write(without(qr, "sessionId"))), 400, null, "sessionId");
            assertError(Gateway.messageWebhook(app, Gateway.write(without(msg, "sessionId"))), 400, null,
                    "sessionId");
            assertError(Gateway.event(app, WORKER, Gateway.write(without(changed, "sessionId"))), 400, null,
                    "sessionId");
            assertError(Gateway.event(app, WORKER, Gateway.write(with(changed, "sessionId", ""))), 400, null,
                    "sessionId");
            // Missing workerId
            assertError(Gateway.sessionWebhook(app, Gateway.write(without(qr, "workerId"))), 400, null, "workerId");
            assertError(Gateway.messageWebhook(app, Gateway.write(without(msg, "workerId"))), 400, null, "workerId");
            assertError(Gateway.event(app, WORKER, Gateway.write(without(changed, "workerId"))), 400, null,
                    "workerId");
            // A workerId in the body that is not the path's
            Gateway.registerOk(app, "worker-002", "http://localhost:8002");
            assertError(Gateway.event(app, "worker-002", STATUS_CHANGED_BODY), 400, null, "workerId");
            assertError(Gateway.event(app, "worker-002", Gateway.write(with(changed, "workerId", "worker-999"))), 400,
                    null, "workerId");
            // Longer than stored
            assertError(Gateway.event(app, WORKER, Gateway.write(with(changed, "sessionId", "s".repeat(201)))), 400,
                    null, "sessionId");
            assertError(Gateway.messageWebhook(app, Gateway.write(with(msg, "data", Map.of("messageId",
                    "m".repeat(201))))), 400, null, "messageId");
            assertError(Gateway.event(app, WORKER, Gateway.write(with(changed, "timestamp", "t".repeat(65)))), 400,
                    null, "timestamp");
            // A message event needs its message id
            assertError(Gateway.messageWebhook(app, Gateway.write(with(msg, "data", Map.of("status", "sent")))), 400,
                    null, "messageId");
            // command_ack needs the command id
            assertError(Gateway.event(app, WORKER, Gateway.eventBody("command_ack", WORKER, null, Map.of(), null)),
                    400, null, "commandId");
            // data must be an object
            assertError(Gateway.event(app, WORKER, Gateway.write(with(changed, "data", "connected"))), 400, null,
                    "data");

            // None of them was stored or applied
            assertThat(Gateway.eventList(app, WORKER)).isEmpty();
            assertThat(Gateway.eventList(app, "worker-002")).isEmpty();
            assertError(app.http.get("/api/v1/sessions/user123-session1", TestApp.admin()), 404, null, null);
        }
    }

    @DbTest
    void eventsOfUnknownWorkersAskForARegistration(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            assertError(Gateway.sessionWebhook(app, QR_READY_BODY), 404, "WORKER_NOT_REGISTERED", null);
            assertError(Gateway.messageWebhook(app, MESSAGE_STATUS_BODY), 404, "WORKER_NOT_REGISTERED", null);
            assertError(Gateway.event(app, WORKER, STATUS_CHANGED_BODY), 404, "WORKER_NOT_REGISTERED", null);
            assertError(Gateway.unregister(app, WORKER), 404, "WORKER_NOT_REGISTERED", null);
            assertError(app.http.get("/api/v1/sessions/user123-session1", TestApp.admin()), 404, null, null);
        }
    }

    // ---------------------------------------------------------------- conflicts and restarts

    @DbTest
    void anotherWorkerClaimingARegisteredEndpointIsAConflict(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            assertJson(Gateway.register(app, REGISTER_BODY), 200, REGISTER_RESPONSE);

            Http.Response clash = Gateway.register(app, registration("worker-002", "http://localhost:8001", Map.of()));
            assertError(clash, 409, "ENDPOINT_CONFLICT", null);
            assertError(app.http.get("/api/v1/workers/worker-002", TestApp.admin()), 404, null, null);
            assertThat(Gateway.worker(app, WORKER).get("endpoint").asText()).isEqualTo("http://localhost:8001");

            // worker-001 moves to another endpoint: the old one is free again
            assertThat(Gateway.register(app, registration(WORKER, "http://localhost:8002", Map.of())).status())
                    .isEqualTo(200);
            assertThat(Gateway.worker(app, WORKER).get("endpoint").asText()).isEqualTo("http://localhost:8002");
            Gateway.registerOk(app, "worker-002", "http://localhost:8001");
            // ... and a restarting worker may not take an endpoint that another holds either
            assertError(Gateway.register(app, registration("worker-002", "http://localhost:8002", Map.of())), 409,
                    "ENDPOINT_CONFLICT", null);
            assertThat(Gateway.worker(app, "worker-002").get("endpoint").asText()).isEqualTo("http://localhost:8001");

            // After a worker is unregistered its endpoint may be claimed
            assertThat(Gateway.unregister(app, WORKER).status()).isEqualTo(200);
            Gateway.registerOk(app, "worker-003", "http://localhost:8002");
        }
    }

    @DbTest
    void aRestartingWorkerRegistersAgainAndLearnsItsSessions(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            assertJson(Gateway.register(app, REGISTER_BODY), 200, REGISTER_RESPONSE);
            assertJson(Gateway.register(app, REGISTER_BODY), 200, REGISTER_RESPONSE);

            // Sessions Vectis believes are live on it, and ones that are not
            Gateway.eventOk(app, WORKER, Gateway.eventBody("session_qr_ready", WORKER, "s-qr", Map.of(), "t1"));
            Gateway.eventOk(app, WORKER, Gateway.eventBody("session_connected", WORKER, "s-connected", Map.of(), "t2"));
            Gateway.eventOk(app, WORKER, Gateway.eventBody("session_created", WORKER, "s-created", Map.of(), "t3"));
            Gateway.eventOk(app, WORKER, Gateway.eventBody("session_connected", WORKER, "s-gone", Map.of(), "t4"));
            Gateway.eventOk(app, WORKER, Gateway.eventBody("session_disconnected", WORKER, "s-gone", Map.of(), "t5"));
            Gateway.eventOk(app, WORKER, Gateway.eventBody("session_created", WORKER, "s-deleted", Map.of(), "t6"));
            Gateway.eventOk(app, WORKER, Gateway.eventBody("session_deleted", WORKER, "s-deleted", Map.of(), "t7"));

            Http.Response again = Gateway.register(app, registration(WORKER, "http://localhost:8001", Map.of(
                    "maxSessions", 80, "version", "1.1.0", "description", "Restarted", "environment", "STAGING",
                    "status", "MAINTENANCE")));
            assertThat(again.status()).as(again.body()).isEqualTo(200);
            assertThat(again.json()).isEqualTo(Gateway.tree("""
                    {"success": true, "data": {"workerId": "worker-001", "status": "registered",
                     "assignedSessions": ["s-connected", "s-created", "s-qr"],
                     "message": "Worker registered successfully"}}"""));

            JsonNode w = Gateway.worker(app, WORKER);
            assertThat(w.get("maxSessions").asInt()).isEqualTo(80);
            assertThat(w.get("version").asText()).isEqualTo("1.1.0");
            assertThat(w.get("description").asText()).isEqualTo("Restarted");
            assertThat(w.get("environment").asText()).isEqualTo("STAGING");
            assertThat(w.get("status").asText()).isEqualTo("MAINTENANCE");
            assertThat(w.get("currentSessions").asInt()).isEqualTo(3);
            assertThat(Gateway.texts(w.get("assignedSessions"))).containsExactly("s-connected", "s-created", "s-qr");
            assertThat(app.http.get("/api/v1/workers", TestApp.admin()).json().get("data").get("count").asInt())
                    .as("still one worker").isEqualTo(1);
            // The events it sent before the restart are kept
            assertThat(Gateway.eventList(app, WORKER)).hasSize(7);
        }
    }

    @DbTest
    void concurrentRegistrationsOfOneWorkerAllSucceed(TestDatabase db) throws Exception {
        try (TestApp app = TestApp.start(db)) {
            // A worker retrying its registration (say after a client timeout) while the first attempt is
            // still in flight: both are the same worker, so neither is a conflict.
            for (int round = 0; round < 5; round++) {
                String id = "worker-race-" + round;
                String body = registration(id, "http://localhost:" + (8100 + round), Map.of());
                java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
                try {
                    List<java.util.concurrent.Callable<Http.Response>> calls = new java.util.ArrayList<>();
                    for (int i = 0; i < 8; i++) {
                        calls.add(() -> Gateway.register(app, body));
                    }
                    for (java.util.concurrent.Future<Http.Response> f : pool.invokeAll(calls)) {
                        Http.Response r = f.get();
                        assertThat(r.status())
                                .as("BUG: simultaneous registrations of one new workerId (%s, same endpoint) must all "
                                        + "succeed; one lost the insert race and got: %s", id, r.body())
                                .isEqualTo(200);
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }

    @DbTest
    void overlongValuesInEventDataAreRefusedNotFailed(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Gateway.registerOk(app, WORKER, "http://localhost:8001");
            Map<String, Object> longPhone = Map.of("status", "connected", "phoneNumber", "+62" + "1".repeat(60));
            Map<String, Object> longStatus = Map.of("status", "s".repeat(60));
            Map<String, Object> longTo = Map.of("messageId", "m1", "status", "sent", "to", "x".repeat(250));
            Map<String, Object> longTime = Map.of("messageId", "m2", "status", "delivered",
                    "deliveredAt", "2024-01-15T10:30:00.000Z".repeat(4));
            Map<String, Http.Response> answers = new java.util.LinkedHashMap<>();
            answers.put("data.phoneNumber of 63 characters (phone_number VARCHAR(50))", Gateway.event(app, WORKER,
                    Gateway.eventBody("session_connected", WORKER, "s1", longPhone, "t1")));
            answers.put("data.status of 60 characters (chat_sessions.status VARCHAR(50))", Gateway.event(app, WORKER,
                    Gateway.eventBody("session_status_changed", WORKER, "s2", longStatus, "t2")));
            answers.put("data.to of 250 characters (recipient VARCHAR(200))", Gateway.messageWebhook(app,
                    Gateway.eventBody("message_sent", WORKER, "s1", longTo, "t3")));
            answers.put("data.deliveredAt of 96 characters (delivered_at VARCHAR(64))", Gateway.messageWebhook(app,
                    Gateway.eventBody("message_status", WORKER, "s1", longTime, "t4")));
            org.assertj.core.api.SoftAssertions soft = new org.assertj.core.api.SoftAssertions();
            answers.forEach((what, r) -> soft.assertThat(r.status())
                    .as("BUG: an event with %s must be accepted or refused with 400 naming the field, not fail "
                            + "with a 500 (the worker would retry it forever): %s", what, r.body())
                    .isIn(200, 400));
            soft.assertAll();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void refused(TestApp app, String body, String field) {
        Http.Response r = Gateway.register(app, body);
        assertError(r, 400, null, field);
    }

    private static java.util.Set<String> keys(Http.Response r) {
        return Gateway.keys(r.json());
    }

    private static String removeWorkerId() {
        return Gateway.write(without(Gateway.object(REGISTER_BODY), "workerId"));
    }

    private static Map<String, Object> without(Map<String, Object> body, String key) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>(body);
        copy.remove(key);
        return copy;
    }

    private static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>(body);
        copy.put(key, value);
        return copy;
    }

    static Http.Response send(TestApp app, String method, String path, String body, String... headers) {
        String[] all = java.util.Arrays.copyOf(headers, headers.length + 2);
        all[headers.length] = "Content-Type";
        all[headers.length + 1] = "application/json";
        return app.http.method(method, path, body, body == null ? headers : all);
    }
}
