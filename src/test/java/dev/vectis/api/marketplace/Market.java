package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;

/** Shared steps of the marketplace tests: users, coins, workers, products, purchases. */
final class Market {

    static final ObjectMapper MAPPER = new ObjectMapper();
    /** The marketplace round (production: 2 s), cut so that tests wait less for the one that reads a ready line. */
    static final Duration ROUND = Duration.ofMillis(250);
    /** Sessions become ready on a round that finds the ready line; allow many rounds, and a slow machine. */
    static final Duration SETTLE = Duration.ofSeconds(20);

    private Market() {
    }

    /** The test's settings plus rate limiting off: these tests send many requests from one address. */
    static Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(extra);
        env.put("VECTIS_RATE_LIMIT_ENABLED", "false");
        // A failure line decides at the next read that finds the log unchanged; tests of the quiet period set their own.
        env.putIfAbsent("VECTIS_MARKETPLACE_FAILURE_QUIET_SECONDS", "0");
        return env;
    }

    static TestApp start(TestDatabase db) {
        return start(db, Map.of());
    }

    static TestApp start(TestDatabase db, Map<String, String> extra) {
        return start(db, extra, Clock.systemUTC());
    }

    static TestApp start(TestDatabase db, Map<String, String> extra, Clock clock) {
        TestApp app = TestApp.start(db, env(extra), clock);
        app.app().stretchLoop("vps-sessions", ROUND);
        return app;
    }

    /** A server whose marketplace round keeps production's pace, for a test that needs a session to stay put a while. */
    static TestApp startAtProductionPace(TestDatabase db, Map<String, String> extra) {
        return TestApp.start(db, env(extra));
    }

    static String[] bearer(String token) {
        return new String[] {"Authorization", "Bearer " + token};
    }

    static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- users and coins

    static Http.Response createUser(TestApp app, String email, String name, String password, Long coins) {
        ObjectNode body = MAPPER.createObjectNode().put("email", email).put("name", name);
        if (password != null) {
            body.put("password", password);
        }
        if (coins != null) {
            body.put("coins", coins);
        }
        return app.http.post("/admin/users", body.toString(), TestApp.admin());
    }

    /** A new user with this many coins; the answer includes its API token. */
    static JsonNode user(TestApp app, String email, long coins) {
        Http.Response r = createUser(app, email, "User " + email, null, coins);
        assertThat(r.status()).as("POST /admin/users: %s", r.body()).isEqualTo(201);
        return r.json();
    }

    static Http.Response coins(TestApp app, String userId, String op, Object amount, String reason) {
        Map<String, Object> body = new HashMap<>();
        body.put("op", op);
        body.put("amount", amount);
        if (reason != null) {
            body.put("reason", reason);
        }
        return app.http.method("PATCH", "/admin/users/" + userId + "/coins", json(body), TestApp.admin()[0],
                TestApp.admin()[1], "Content-Type", "application/json");
    }

    static long balance(TestApp app, String userId) {
        Http.Response r = app.http.get("/admin/users/" + userId, TestApp.admin());
        assertThat(r.status()).as("GET /admin/users/{id}: %s", r.body()).isEqualTo(200);
        return r.json().get("coins").asLong();
    }

    static long sumOfDeltas(TestApp app, String userId) {
        return app.app().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT COALESCE(SUM(delta),0) FROM ledger_entries WHERE user_id = :u").bind("u", userId)
                .mapTo(Long.class).one());
    }

    /** Every entry of the user's ledger through the admin API, newest first, following next_cursor. */
    static List<JsonNode> ledger(TestApp app, String userId) {
        List<JsonNode> all = new ArrayList<>();
        String cursor = null;
        do {
            Http.Response r = app.http.get("/admin/users/" + userId + "/ledger?limit=100"
                    + (cursor == null ? "" : "&cursor=" + cursor), TestApp.admin());
            assertThat(r.status()).as("ledger: %s", r.body()).isEqualTo(200);
            r.json().get("entries").forEach(all::add);
            cursor = r.json().get("next_cursor").isNull() ? null : r.json().get("next_cursor").asText();
        } while (cursor != null);
        return all;
    }

    static List<JsonNode> entriesWithOp(TestApp app, String userId, String op) {
        return ledger(app, userId).stream().filter(e -> e.get("op").asText().equals(op)).toList();
    }

    // ---- workers and products

    static Http.Response registerWorker(TestApp app, String name, String baseUrl, Integer maxSessions) {
        ObjectNode body = MAPPER.createObjectNode();
        if (name != null) {
            body.put("name", name);
        }
        if (baseUrl != null) {
            body.put("base_url", baseUrl);
        }
        if (maxSessions != null) {
            body.put("max_sessions", maxSessions);
        }
        return app.http.post("/admin/workers/register", body.toString(), TestApp.admin());
    }

    static String worker(TestApp app, FakeVmWorker fake, Integer maxSessions) {
        Http.Response r = registerWorker(app, "Fake " + fake.url(), fake.url(), maxSessions);
        assertThat(r.status()).as("register worker: %s", r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    static JsonNode workerView(TestApp app, String workerId) {
        Http.Response r = app.http.get("/admin/workers", TestApp.admin());
        assertThat(r.status()).isEqualTo(200);
        for (JsonNode w : r.json()) {
            if (w.get("id").asText().equals(workerId)) {
                return w;
            }
        }
        throw new AssertionError("worker " + workerId + " not in GET /admin/workers: " + r.body());
    }

    static int activeSessions(TestApp app, String workerId) {
        return workerView(app, workerId).get("active_sessions").asInt();
    }

    static Http.Response createProduct(TestApp app, String name, long price, int action, List<String> workerIds) {
        ObjectNode body = MAPPER.createObjectNode().put("name", name).put("description", name + " description")
                .put("price_coins", price).put("provision_action", action).put("is_active", true);
        body.set("worker_ids", MAPPER.valueToTree(workerIds));
        return app.http.post("/admin/vps-products", body.toString(), TestApp.admin());
    }

    static String product(TestApp app, String name, long price, String... workerIds) {
        Http.Response r = createProduct(app, name, price, 2, List.of(workerIds));
        assertThat(r.status()).as("create product: %s", r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    /** A product with log rules of its own ({@code rules}: ready_patterns, on_provision_timeout, …). */
    static String productWith(TestApp app, String name, Map<String, Object> rules, String... workerIds) {
        ObjectNode body = MAPPER.createObjectNode().put("name", name).put("price_coins", 10).put("provision_action", 2);
        body.set("worker_ids", MAPPER.valueToTree(List.of(workerIds)));
        rules.forEach((k, v) -> body.set(k, MAPPER.valueToTree(v)));
        Http.Response r = app.http.post("/admin/vps-products", body.toString(), TestApp.admin());
        assertThat(r.status()).as("create product: %s", r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    static Http.Response patchProduct(TestApp app, String productId, String body) {
        return app.http.method("PATCH", "/admin/vps-products/" + productId, body, TestApp.admin()[0],
                TestApp.admin()[1], "Content-Type", "application/json");
    }

    static JsonNode adminProduct(TestApp app, String productId) {
        for (JsonNode p : app.http.get("/admin/vps-products", TestApp.admin()).json()) {
            if (p.get("id").asText().equals(productId)) {
                return p;
            }
        }
        throw new AssertionError("product " + productId + " not in GET /admin/vps-products");
    }

    /** GET /admin/vps-sessions/{id}: the operator's view, with stop retries and flags. */
    static JsonNode adminSession(TestApp app, String sessionId) {
        Http.Response r = app.http.get("/admin/vps-sessions/" + sessionId, TestApp.admin());
        assertThat(r.status()).as("GET /admin/vps-sessions/{id}: %s", r.body()).isEqualTo(200);
        return r.json();
    }

    // ---- purchases and sessions

    static String purchaseBody(String productId) {
        return "{\"product_id\":\"" + productId + "\"}";
    }

    static Http.Response purchase(TestApp app, String token, String key, String productId) {
        return purchaseRaw(app, token, key, purchaseBody(productId));
    }

    static Http.Response purchaseRaw(TestApp app, String token, String key, String body) {
        List<String> headers = new ArrayList<>(List.of("Authorization", "Bearer " + token));
        if (key != null) {
            headers.add("Idempotency-Key");
            headers.add(key);
        }
        return app.http.post("/vps/purchase-and-create", body, headers.toArray(String[]::new));
    }

    /** A purchase that must succeed; its answer. */
    static JsonNode bought(TestApp app, String token, String key, String productId) {
        Http.Response r = purchase(app, token, key, productId);
        assertThat(r.status()).as("purchase: %s", r.body()).isEqualTo(201);
        return r.json();
    }

    static Http.Response session(TestApp app, String token, String sessionId) {
        return app.http.get("/vps/sessions/" + sessionId, bearer(token));
    }

    static JsonNode awaitStatus(TestApp app, String token, String sessionId, String status) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        Awaitility.await("session " + sessionId + " to become " + status).atMost(SETTLE)
                .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    Http.Response r = session(app, token, sessionId);
                    assertThat(r.status()).as("GET /vps/sessions/{id}: %s", r.body()).isEqualTo(200);
                    last.set(r.json());
                    assertThat(r.json().get("status").asText()).isEqualTo(status);
                });
        return last.get();
    }

    static String sessionStatusInDb(TestApp app, String sessionId) {
        return app.app().database().jdbi().withHandle(h -> h.createQuery("SELECT status FROM vps_sessions WHERE id = :id")
                .bind("id", sessionId).mapTo(String.class).one());
    }

    static int count(TestApp app, String sql, Object... binds) {
        return app.app().database().jdbi().withHandle(h -> {
            var q = h.createQuery(sql);
            for (int i = 0; i < binds.length; i++) {
                q.bind(i, binds[i]);
            }
            return q.mapTo(Integer.class).one();
        });
    }

    /** An error body's fields without its request_id, which differs per request. */
    static JsonNode withoutRequestId(Http.Response r) {
        ObjectNode copy = r.json().deepCopy();
        copy.remove("request_id");
        return copy;
    }
}
