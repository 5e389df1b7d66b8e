package dev.vectis.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A simulated chat-session worker and operator for the session-worker-gateway contract
 * (shared/specs/session-worker-gateway.md): the spec's bodies verbatim, and the checks every
 * gateway test shares.
 */
final class Gateway {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String WORKER = "worker-001";
    static final String SESSION = "user123-session1";
    static final String QR_CODE = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA...";

    /** Section 1, Request Body. */
    static final String REGISTER_BODY = """
            {
              "workerId": "worker-001",
              "endpoint": "http://localhost:8001",
              "maxSessions": 50,
              "description": "Primary worker instance",
              "status": "ONLINE",
              "version": "1.0.0",
              "environment": "PRODUCTION",
              "timestamp": "2024-01-15T10:30:00.000Z"
            }""";

    /** Section 1, Expected Response. */
    static final String REGISTER_RESPONSE = """
            {
              "success": true,
              "data": {
                "workerId": "worker-001",
                "status": "registered",
                "assignedSessions": [],
                "message": "Worker registered successfully"
              }
            }""";

    /** Section 2, Request Body. */
    static final String HEARTBEAT_BODY = """
            {
              "status": "ONLINE",
              "cpuUsage": 45.5,
              "memoryUsage": 67.8,
              "uptime": 3600,
              "messageCount": 1250,
              "sessions": {
                "total": 25,
                "connected": 20,
                "disconnected": 2,
                "qr_required": 2,
                "reconnecting": 1,
                "error": 0
              },
              "timestamp": "2024-01-15T10:30:00.000Z"
            }""";

    /** Section 2, Expected Response. */
    static final String HEARTBEAT_RESPONSE = """
            {
              "success": true,
              "data": {
                "workerId": "worker-001",
                "status": "acknowledged",
                "commands": []
              }
            }""";

    /** Section 3, Request Body (the events endpoint). */
    static final String STATUS_CHANGED_BODY = """
            {
              "event": "session_status_changed",
              "sessionId": "user123-session1",
              "workerId": "worker-001",
              "data": {
                "status": "connected",
                "phoneNumber": "+6281234567890",
                "qrCode": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA..."
              },
              "timestamp": "2024-01-15T10:30:00.000Z"
            }""";

    /** Section 5, Request Body (the session-status webhook). */
    static final String QR_READY_BODY = """
            {
              "event": "qr_ready",
              "sessionId": "user123-session1",
              "workerId": "worker-001",
              "data": {
                "status": "qr_required",
                "qrCode": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA...",
                "qrString": "1@ABC123XYZ..."
              },
              "timestamp": "2024-01-15T10:30:00.000Z"
            }""";

    /** Section 6, Request Body (the message-status webhook). */
    static final String MESSAGE_STATUS_BODY = """
            {
              "event": "message_status",
              "sessionId": "user123-session1",
              "workerId": "worker-001",
              "data": {
                "messageId": "msg_12345",
                "status": "delivered",
                "to": "6281234567890@s.whatsapp.net",
                "deliveredAt": "2024-01-15T10:30:00.000Z"
              },
              "timestamp": "2024-01-15T10:30:00.000Z"
            }""";

    static final String EVENT_RECEIVED = "{\"success\": true, \"message\": \"Event received\"}";
    static final String SESSION_STATUS_UPDATED = "{\"success\": true, \"message\": \"Session status updated\"}";
    static final String MESSAGE_STATUS_UPDATED = "{\"success\": true, \"message\": \"Message status updated\"}";
    static final String UNREGISTERED = "{\"success\": true, \"message\": \"Worker unregistered successfully\"}";

    private Gateway() {
    }

    // ---------------------------------------------------------------- what the worker sends

    static Http.Response register(TestApp app, String body) {
        return app.http.post("/api/v1/workers/register", body, TestApp.worker());
    }

    /** Registers {@code workerId} at {@code endpoint} with the spec's other fields; must succeed. */
    static void registerOk(TestApp app, String workerId, String endpoint) {
        Http.Response r = register(app, registration(workerId, endpoint, Map.of()));
        assertThat(r.status()).as("register %s: %s", workerId, r.body()).isEqualTo(200);
    }

    /** The spec's registration body for another worker, with fields replaced (null removes one). */
    static String registration(String workerId, String endpoint, Map<String, Object> changes) {
        Map<String, Object> body = object(REGISTER_BODY);
        body.put("workerId", workerId);
        body.put("endpoint", endpoint);
        changes.forEach((k, v) -> {
            if (v == null) {
                body.remove(k);
            } else {
                body.put(k, v);
            }
        });
        return write(body);
    }

    static Http.Response heartbeat(TestApp app, String workerId, String body) {
        return app.http.method("PUT", "/api/v1/workers/" + workerId + "/heartbeat", body,
                "Authorization", "Bearer " + TestApp.WORKER_TOKEN, "Content-Type", "application/json");
    }

    static JsonNode heartbeatOk(TestApp app, String workerId, String body) {
        Http.Response r = heartbeat(app, workerId, body);
        assertThat(r.status()).as("heartbeat %s: %s", workerId, r.body()).isEqualTo(200);
        return r.json();
    }

    /** POST /api/v1/workers/{workerId}/events. */
    static Http.Response event(TestApp app, String pathWorkerId, String body) {
        return app.http.post("/api/v1/workers/" + pathWorkerId + "/events", body, TestApp.worker());
    }

    static Http.Response sessionWebhook(TestApp app, String body) {
        return app.http.post("/api/v1/webhooks/session-status", body, TestApp.worker());
    }

    static Http.Response messageWebhook(TestApp app, String body) {
        return app.http.post("/api/v1/webhooks/message-status", body, TestApp.worker());
    }

    /** Posts to the events endpoint and requires the documented answer. */
    static void eventOk(TestApp app, String workerId, String body) {
        assertJson(event(app, workerId, body), 200, EVENT_RECEIVED);
    }

    static Http.Response unregister(TestApp app, String workerId) {
        return app.http.method("DELETE", "/api/v1/workers/" + workerId, null, TestApp.worker());
    }

    /** An event body: null sessionId, data or timestamp are left out. */
    static String eventBody(String event, String workerId, String sessionId, Map<String, Object> data,
                            String timestamp) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", event);
        if (sessionId != null) {
            body.put("sessionId", sessionId);
        }
        body.put("workerId", workerId);
        if (data != null) {
            body.put("data", data);
        }
        if (timestamp != null) {
            body.put("timestamp", timestamp);
        }
        return write(body);
    }

    // ---------------------------------------------------------------- what the operator sees

    /** GET /api/v1/workers/{id}: its data, which must exist. */
    static JsonNode worker(TestApp app, String workerId) {
        Http.Response r = app.http.get("/api/v1/workers/" + workerId, TestApp.admin());
        assertThat(r.status()).as("GET worker %s: %s", workerId, r.body()).isEqualTo(200);
        assertThat(r.json().get("success").asBoolean()).isTrue();
        return r.json().get("data");
    }

    static JsonNode session(TestApp app, String sessionId) {
        Http.Response r = app.http.get("/api/v1/sessions/" + sessionId, TestApp.admin());
        assertThat(r.status()).as("GET session %s: %s", sessionId, r.body()).isEqualTo(200);
        assertThat(r.json().get("success").asBoolean()).isTrue();
        return r.json().get("data");
    }

    /** GET /api/v1/workers/{id}/events (newest first), one page. */
    static JsonNode events(TestApp app, String workerId, String query) {
        Http.Response r = app.http.get("/api/v1/workers/" + workerId + "/events" + query, TestApp.admin());
        assertThat(r.status()).as("GET events of %s: %s", workerId, r.body()).isEqualTo(200);
        assertThat(r.json().get("success").asBoolean()).isTrue();
        return r.json().get("data");
    }

    /** The worker's events but its registrations, which Vectis records itself (docs/fleet.md). */
    static List<JsonNode> eventList(TestApp app, String workerId) {
        return list(events(app, workerId, "?limit=1000").get("events")).stream()
                .filter(e -> !REGISTRATIONS.contains(e.get("type").asText())).toList();
    }

    static final List<String> REGISTRATIONS = List.of("worker.registered", "worker.reregistered");

    static JsonNode metrics(TestApp app, String workerId) {
        Http.Response r = app.http.get("/api/v1/workers/" + workerId + "/metrics?since=0", TestApp.admin());
        assertThat(r.status()).as("GET metrics of %s: %s", workerId, r.body()).isEqualTo(200);
        return r.json().get("data").get("metrics");
    }

    /** Waits for the background flusher to make {@code condition} true of the worker's operator view. */
    static JsonNode awaitWorker(TestApp app, String workerId, String what, Predicate<JsonNode> condition) {
        JsonNode[] last = new JsonNode[1];
        try {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
                last[0] = worker(app, workerId);
                return condition.test(last[0]);
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("worker " + workerId + " never showed " + what + "; last view: " + last[0], e);
        }
        return last[0];
    }

    // ---------------------------------------------------------------- the event stream

    record Frame(long id, String event, JsonNode data) {
    }

    /**
     * Opens GET /api/v1/events/stream with the given headers, reads the first {@code n} event
     * frames (the retry hint and comments are skipped), and closes it. While it is open,
     * {@code whileOpen} runs (e.g. to append an event that the stream must push).
     */
    static List<Frame> readStream(TestApp app, String query, int n, Runnable whileOpen, String... headers)
            throws Exception {
        HttpRequest request = app.http.request("/api/v1/events/stream" + query, headers)
                .header("Accept", "text/event-stream").GET().build();
        HttpResponse<Stream<String>> r = HttpClient.newHttpClient()
                .sendAsync(request, HttpResponse.BodyHandlers.ofLines()).get(15, TimeUnit.SECONDS);
        Stream<String> lines = r.body();
        try {
            assertThat(r.statusCode()).as("stream status").isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            CompletableFuture<List<Frame>> frames = CompletableFuture.supplyAsync(() -> frames(lines.iterator(), n));
            whileOpen.run();
            return frames.get(20, TimeUnit.SECONDS);
        } finally {
            lines.close();
        }
    }

    private static List<Frame> frames(Iterator<String> it, int n) {
        List<Frame> out = new ArrayList<>();
        long id = -1;
        String event = null;
        StringBuilder data = new StringBuilder();
        while (out.size() < n && it.hasNext()) {
            String line = it.next();
            if (line.isEmpty()) {
                if (event != null) {
                    out.add(new Frame(id, event, tree(data.toString())));
                }
                id = -1;
                event = null;
                data.setLength(0);
            } else if (line.startsWith("id:")) {
                id = Long.parseLong(line.substring(3).trim());
            } else if (line.startsWith("event:")) {
                event = line.substring(6).trim();
            } else if (line.startsWith("data:")) {
                data.append(line.substring(5).stripLeading());
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- checks

    /** The response is exactly this JSON (same keys, same values, nothing more). */
    static void assertJson(Http.Response r, int status, String expected) {
        assertThat(r.status()).as("status of %s", r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).as("content type").startsWith("application/json");
        assertThat(r.json()).as("body").isEqualTo(tree(expected));
    }

    /**
     * The spec's error envelope, exactly {@code {"success": false, "error": "...", "code": "..."}};
     * {@code code} checked when given, and {@code error} must mention {@code mentions} when given.
     */
    static void assertError(Http.Response r, int status, String code, String mentions) {
        assertThat(r.status()).as("status of %s", r.body()).isEqualTo(status);
        JsonNode body = r.json();
        assertThat(keys(body)).as("error envelope keys of %s", r.body())
                .containsExactlyInAnyOrder("success", "error", "code");
        assertThat(body.get("success").isBoolean() && !body.get("success").asBoolean())
                .as("success is false in %s", r.body()).isTrue();
        assertThat(body.get("error").isTextual()).as("error is text in %s", r.body()).isTrue();
        assertThat(body.get("error").asText()).isNotBlank();
        assertThat(body.get("code").isTextual()).as("code is text in %s", r.body()).isTrue();
        assertThat(body.get("code").asText()).matches("[A-Z][A-Z0-9_]*");
        if (code != null) {
            assertThat(body.get("code").asText()).as("code of %s", r.body()).isEqualTo(code);
        }
        if (mentions != null) {
            assertThat(body.get("error").asText()).as("error of %s names the field", r.body()).contains(mentions);
        }
    }

    static Set<String> keys(JsonNode node) {
        Set<String> keys = new HashSet<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static JsonNode tree(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(String json) {
        try {
            return MAPPER.readValue(json, LinkedHashMap.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
