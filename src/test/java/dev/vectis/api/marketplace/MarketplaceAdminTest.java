package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The spec's admin flows as written: coins, workers, VPS products, and the public product list. */
class MarketplaceAdminTest {

    /** The spec's fields, plus this node's view of the worker's health (circuit breaker, list of VMs). */
    static final Set<String> WORKER_FIELDS = Set.of("id", "name", "base_url", "status", "max_sessions",
            "active_sessions", "created_at", "updated_at", "circuit", "vm_list");

    static Set<String> fields(JsonNode node) {
        Set<String> names = new java.util.TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @DbTest
    void coinsAddSubAndSetAsTheSpecShows(TestDatabase db) {
        try (TestApp app = Market.start(db)) {
            String id = Market.user(app, "coins@example.com", 0).get("id").asText();

            Http.Response add = app.http.method("PATCH", "/admin/users/" + id + "/coins",
                    "{\"op\":\"add\",\"amount\":500,\"reason\":\"Bonus\"}", "Authorization", "Bearer "
                            + TestApp.ADMIN_TOKEN, "Content-Type", "application/json");
            assertThat(add.status()).as(add.body()).isEqualTo(200);
            JsonNode a = add.json();
            assertThat(a.get("user_id").asText()).isEqualTo(id);
            assertThat(a.get("coins").asLong()).isEqualTo(500);
            JsonNode entry = a.get("entry");
            assertThat(entry.get("delta").asLong()).isEqualTo(500);
            assertThat(entry.get("balance_after").asLong()).isEqualTo(500);
            assertThat(entry.get("op").asText()).isEqualTo("add");
            assertThat(entry.get("reason").asText()).isEqualTo("Bonus");
            assertThat(entry.get("user_id").asText()).isEqualTo(id);
            assertThat(entry.get("actor").asText()).isNotBlank();
            assertThat(entry.hasNonNull("id")).isTrue();
            assertThat(Instant.parse(entry.get("created_at").asText())).isNotNull();
            assertThat(entry.has("request_id")).as("the entry records the request id").isTrue();

            Http.Response sub = Market.coins(app, id, "sub", 100, "Penalty");
            assertThat(sub.status()).as(sub.body()).isEqualTo(200);
            assertThat(sub.json().get("coins").asLong()).isEqualTo(400);
            assertThat(sub.json().get("entry").get("delta").asLong()).isEqualTo(-100);
            assertThat(sub.json().get("entry").get("balance_after").asLong()).isEqualTo(400);
            assertThat(sub.json().get("entry").get("op").asText()).isEqualTo("sub");

            Http.Response set = Market.coins(app, id, "set", 1000, "Reset balance");
            assertThat(set.status()).as(set.body()).isEqualTo(200);
            assertThat(set.json().get("coins").asLong()).isEqualTo(1000);
            assertThat(set.json().get("entry").get("delta").asLong()).as("set is stored as its delta").isEqualTo(600);
            assertThat(set.json().get("entry").get("balance_after").asLong()).isEqualTo(1000);
            assertThat(set.json().get("entry").get("op").asText()).isEqualTo("set");

            Http.Response setDown = Market.coins(app, id, "set", 250, null);
            assertThat(setDown.status()).isEqualTo(200);
            assertThat(setDown.json().get("entry").get("delta").asLong()).isEqualTo(-750);

            Http.Response noReason = Market.coins(app, id, "add", 1, null);
            assertThat(noReason.status()).as("reason is optional: %s", noReason.body()).isEqualTo(200);

            assertThat(Market.balance(app, id)).isEqualTo(251);
            assertThat(Market.sumOfDeltas(app, id)).isEqualTo(251);
            assertThat(Market.ledger(app, id)).hasSize(5);
        }
    }

    @DbTest
    void workersRegisterListUpdateAndDisable(TestDatabase db) {
        try (TestApp app = Market.start(db)) {
            Http.Response r = app.http.post("/admin/workers/register",
                    "{\"name\":\"Worker Main\",\"base_url\":\"http://example.com:4000\",\"max_sessions\":5}",
                    TestApp.admin());
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            JsonNode w = r.json();
            String id = w.get("id").asText();
            assertThat(w.get("name").asText()).isEqualTo("Worker Main");
            assertThat(w.get("base_url").asText()).isEqualTo("http://example.com:4000");
            assertThat(w.get("status").asText()).isEqualTo("active");
            assertThat(w.get("max_sessions").asInt()).isEqualTo(5);
            assertThat(w.get("active_sessions").asInt()).isZero();

            Http.Response defaults = Market.registerWorker(app, null, "https://w2.example.com", null);
            assertThat(defaults.status()).as(defaults.body()).isEqualTo(201);
            assertThat(defaults.json().get("max_sessions").asInt()).as("max_sessions defaults to 3").isEqualTo(3);

            Http.Response list = app.http.get("/admin/workers", TestApp.admin());
            assertThat(list.status()).isEqualTo(200);
            assertThat(list.json().isArray()).as("GET /admin/workers is a plain JSON array: %s", list.body()).isTrue();
            assertThat(list.json()).hasSize(2);
            for (JsonNode item : list.json()) {
                assertThat(fields(item)).as("worker fields").isEqualTo(WORKER_FIELDS);
                assertThat(Instant.parse(item.get("created_at").asText())).isNotNull();
                assertThat(Instant.parse(item.get("updated_at").asText())).isNotNull();
            }
            JsonNode listed = Market.workerView(app, id);
            assertThat(listed.get("base_url").asText()).isEqualTo("http://example.com:4000");
            assertThat(listed.get("active_sessions").asInt()).isZero();

            Http.Response upd = app.http.method("PATCH", "/admin/workers/" + id,
                    "{\"name\":\"Worker Updated\",\"base_url\":\"http://new-url:4000\",\"status\":\"active\","
                            + "\"max_sessions\":7}", "Authorization", "Bearer " + TestApp.ADMIN_TOKEN,
                    "Content-Type", "application/json");
            assertThat(upd.status()).as(upd.body()).isEqualTo(200);
            assertThat(upd.json().get("name").asText()).isEqualTo("Worker Updated");
            assertThat(upd.json().get("base_url").asText()).isEqualTo("http://new-url:4000");
            assertThat(upd.json().get("max_sessions").asInt()).isEqualTo(7);
            assertThat(upd.json().get("status").asText()).isEqualTo("active");

            Http.Response partial = app.http.method("PATCH", "/admin/workers/" + id, "{\"max_sessions\":2}",
                    TestApp.admin()[0], TestApp.admin()[1], "Content-Type", "application/json");
            assertThat(partial.status()).isEqualTo(200);
            assertThat(partial.json().get("name").asText()).as("omitted fields are kept").isEqualTo("Worker Updated");
            assertThat(partial.json().get("max_sessions").asInt()).isEqualTo(2);

            Http.Response dis = app.http.post("/admin/workers/" + id + "/disable", "", TestApp.admin());
            assertThat(dis.status()).as(dis.body()).isEqualTo(200);
            assertThat(dis.json().get("status").asText()).isEqualTo("disabled");
            assertThat(Market.workerView(app, id).get("status").asText()).isEqualTo("disabled");

            Http.Response back = app.http.method("PATCH", "/admin/workers/" + id, "{\"status\":\"active\"}",
                    TestApp.admin()[0], TestApp.admin()[1], "Content-Type", "application/json");
            assertThat(back.json().get("status").asText()).isEqualTo("active");
        }
    }

    @DbTest
    void workerInputIsChecked(TestDatabase db) {
        try (TestApp app = Market.start(db)) {
            for (String bad : List.of("ftp://example.com:4000", "example.com:4000", "javascript:alert(1)",
                    "http://", "not a url", "http://user:pw@example.com", "")) {
                Http.Response r = Market.registerWorker(app, "w", bad, null);
                assertThat(r.status()).as("base_url %s: %s", bad, r.body()).isEqualTo(400);
                assertThat(r.json().get("field").asText()).isEqualTo("base_url");
            }
            Http.Response missing = Market.registerWorker(app, "w", null, 3);
            assertThat(missing.status()).isEqualTo(400);
            assertThat(missing.json().get("field").asText()).isEqualTo("base_url");
            for (int bad : new int[] {0, -1, 1001}) {
                Http.Response r = Market.registerWorker(app, "w", "http://example.com", bad);
                assertThat(r.status()).as("max_sessions %d", bad).isEqualTo(400);
                assertThat(r.json().get("field").asText()).isEqualTo("max_sessions");
            }
            Http.Response wrongType = app.http.post("/admin/workers/register",
                    "{\"base_url\":\"http://example.com\",\"max_sessions\":\"five\"}", TestApp.admin());
            assertThat(wrongType.status()).isEqualTo(400);
            assertThat(wrongType.json().get("field").asText()).isEqualTo("max_sessions");
            assertThat(Market.registerWorker(app, "w", "http://example.com", 1).status()).isEqualTo(201);
            assertThat(Market.registerWorker(app, "w", "https://example.com:8443/", 1000).status()).isEqualTo(201);
            assertThat(app.http.get("/admin/workers", TestApp.admin()).json()).hasSize(2);

            String id = Market.registerWorker(app, "w", "http://example.com", null).json().get("id").asText();
            Http.Response badStatus = app.http.method("PATCH", "/admin/workers/" + id, "{\"status\":\"paused\"}",
                    TestApp.admin()[0], TestApp.admin()[1], "Content-Type", "application/json");
            assertThat(badStatus.status()).isEqualTo(400);
            assertThat(badStatus.json().get("field").asText()).isEqualTo("status");
            Http.Response badUrl = app.http.method("PATCH", "/admin/workers/" + id, "{\"base_url\":\"gopher://x\"}",
                    TestApp.admin()[0], TestApp.admin()[1], "Content-Type", "application/json");
            assertThat(badUrl.status()).isEqualTo(400);
            assertThat(badUrl.json().get("field").asText()).isEqualTo("base_url");
            Http.Response unknown = app.http.method("PATCH", "/admin/workers/no-such-worker", "{\"name\":\"x\"}",
                    TestApp.admin()[0], TestApp.admin()[1], "Content-Type", "application/json");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(app.http.post("/admin/workers/no-such-worker/disable", "", TestApp.admin()).status())
                    .isEqualTo(404);
        }
    }

    @DbTest
    void productsCreateUpdateListAndDelete(TestDatabase db) {
        try (TestApp app = Market.start(db)) {
            String w1 = Market.registerWorker(app, "w1", "http://192.168.1.100:4000", 3).json().get("id").asText();
            String w2 = Market.registerWorker(app, "w2", "http://192.168.1.101:4000", 3).json().get("id").asText();
            String w3 = Market.registerWorker(app, "w3", "http://192.168.1.102:4000", 3).json().get("id").asText();

            Http.Response created = app.http.post("/admin/vps-products", "{\"name\":\"Windows VPS\","
                    + "\"description\":\"Windows 10 VPS\",\"price_coins\":100,\"provision_action\":2,\"is_active\":true,"
                    + "\"worker_ids\":[\"" + w1 + "\",\"" + w2 + "\"]}", TestApp.admin());
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            JsonNode p = created.json();
            String id = p.get("id").asText();
            assertThat(p.get("name").asText()).isEqualTo("Windows VPS");
            assertThat(p.get("description").asText()).isEqualTo("Windows 10 VPS");
            assertThat(p.get("price_coins").asLong()).isEqualTo(100);
            assertThat(p.get("provision_action").asInt()).isEqualTo(2);
            assertThat(p.get("is_active").asBoolean()).isTrue();
            assertThat(texts(p.get("worker_ids"))).containsExactlyInAnyOrder(w1, w2);

            Http.Response updated = app.http.method("PATCH", "/admin/vps-products/" + id,
                    "{\"name\":\"Updated name\",\"price_coins\":150,\"worker_ids\":[\"" + w3 + "\"]}",
                    TestApp.admin()[0], TestApp.admin()[1], "Content-Type", "application/json");
            assertThat(updated.status()).as(updated.body()).isEqualTo(200);
            assertThat(updated.json().get("name").asText()).isEqualTo("Updated name");
            assertThat(updated.json().get("price_coins").asLong()).isEqualTo(150);
            assertThat(texts(updated.json().get("worker_ids"))).containsExactly(w3);
            assertThat(updated.json().get("description").asText()).as("omitted fields are kept")
                    .isEqualTo("Windows 10 VPS");
            assertThat(updated.json().get("provision_action").asInt()).isEqualTo(2);

            String linux = Market.product(app, "Linux VPS", 50, w1);
            Http.Response list = app.http.get("/admin/vps-products", TestApp.admin());
            assertThat(list.status()).isEqualTo(200);
            assertThat(list.json()).hasSize(2);
            assertThat(ids(list.json())).containsExactlyInAnyOrder(id, linux);

            Http.Response deleted = app.http.method("DELETE", "/admin/vps-products/" + linux, null, TestApp.admin());
            assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
            assertThat(deleted.json().get("is_active").asBoolean()).isFalse();
            JsonNode afterDelete = app.http.get("/admin/vps-products", TestApp.admin()).json();
            assertThat(afterDelete).as("DELETE deactivates; the admin still sees the product").hasSize(2);
            for (JsonNode item : afterDelete) {
                assertThat(item.get("is_active").asBoolean()).isEqualTo(!item.get("id").asText().equals(linux));
            }
            assertThat(ids(app.http.get("/vps/products").json())).containsExactly(id);

            assertThat(app.http.method("PATCH", "/admin/vps-products/nope", "{\"name\":\"x\"}", TestApp.admin()[0],
                    TestApp.admin()[1], "Content-Type", "application/json").status()).isEqualTo(404);
            assertThat(app.http.method("DELETE", "/admin/vps-products/nope", null, TestApp.admin()).status())
                    .isEqualTo(404);
        }
    }

    @DbTest
    void productInputIsCheckedAndWorkerIdsMustExist(TestDatabase db) {
        try (TestApp app = Market.start(db)) {
            String w = Market.registerWorker(app, "w", "http://192.168.1.100:4000", 3).json().get("id").asText();
            Http.Response unknownWorker = Market.createProduct(app, "VPS", 10, 1, List.of(w, "no-such-worker"));
            assertThat(unknownWorker.status()).as(unknownWorker.body()).isEqualTo(400);
            assertThat(unknownWorker.json().get("field").asText()).isEqualTo("worker_ids");
            assertThat(app.http.get("/admin/vps-products", TestApp.admin()).json()).as("nothing created").isEmpty();

            String id = Market.product(app, "VPS", 10, w);
            Http.Response badUpdate = app.http.method("PATCH", "/admin/vps-products/" + id,
                    "{\"worker_ids\":[\"ghost\"]}", TestApp.admin()[0], TestApp.admin()[1],
                    "Content-Type", "application/json");
            assertThat(badUpdate.status()).as(badUpdate.body()).isEqualTo(400);
            assertThat(badUpdate.json().get("field").asText()).isEqualTo("worker_ids");
            JsonNode still = app.http.get("/admin/vps-products", TestApp.admin()).json().get(0);
            assertThat(texts(still.get("worker_ids"))).as("a refused update changes nothing").containsExactly(w);

            Http.Response noName = app.http.post("/admin/vps-products",
                    "{\"price_coins\":1,\"provision_action\":1}", TestApp.admin());
            assertThat(noName.status()).isEqualTo(400);
            assertThat(noName.json().get("field").asText()).isEqualTo("name");
            Http.Response badAction = Market.createProduct(app, "x", 1, 4, List.of());
            assertThat(badAction.status()).isEqualTo(400);
            assertThat(badAction.json().get("field").asText()).isEqualTo("provision_action");
            Http.Response negative = Market.createProduct(app, "x", -1, 1, List.of());
            assertThat(negative.status()).isEqualTo(400);
            assertThat(negative.json().get("field").asText()).isEqualTo("price_coins");
            Http.Response noPrice = app.http.post("/admin/vps-products", "{\"name\":\"x\",\"provision_action\":1}",
                    TestApp.admin());
            assertThat(noPrice.status()).isEqualTo(400);
            assertThat(noPrice.json().get("field").asText()).isEqualTo("price_coins");
        }
    }

    @DbTest
    void thePublicProductListShowsActiveProductsWithoutAnyWorkerDetail(TestDatabase db) {
        try (TestApp app = Market.start(db)) {
            String url = "http://192.168.1.100:4000";
            String w = Market.registerWorker(app, "Secret Worker Name", url, 3).json().get("id").asText();
            String active = Market.product(app, "Windows VPS", 100, w);
            String retired = Market.product(app, "Old VPS", 10, w);
            Http.Response inactive = app.http.post("/admin/vps-products", "{\"name\":\"Hidden\",\"price_coins\":5,"
                    + "\"provision_action\":3,\"is_active\":false,\"worker_ids\":[\"" + w + "\"]}", TestApp.admin());
            assertThat(inactive.status()).isEqualTo(201);
            assertThat(app.http.method("DELETE", "/admin/vps-products/" + retired, null, TestApp.admin()).status())
                    .isEqualTo(200);

            Http.Response pub = app.http.get("/vps/products");
            assertThat(pub.status()).as("GET /vps/products needs no token").isEqualTo(200);
            assertThat(pub.json().isArray()).isTrue();
            assertThat(ids(pub.json())).containsExactly(active);
            JsonNode p = pub.json().get(0);
            assertThat(p.get("name").asText()).isEqualTo("Windows VPS");
            assertThat(p.get("price_coins").asLong()).isEqualTo(100);
            assertThat(p.has("worker_ids")).isFalse();
            assertThat(pub.body()).as("no worker id, URL or IP in the public list")
                    .doesNotContain(w).doesNotContain(url).doesNotContain("192.168.1.100")
                    .doesNotContain("Secret Worker Name");

            String token = Market.user(app, "viewer@example.com", 0).get("token").asText();
            Http.Response asUser = app.http.get("/vps/products", Market.bearer(token));
            assertThat(asUser.status()).isEqualTo(200);
            assertThat(asUser.body()).doesNotContain(w).doesNotContain("192.168.1.100");
        }
    }

    /** Gateway and executor workers share the registry but have no base_url: they cannot host a VM. */
    @DbTest
    void productsCannotUseAWorkerWithoutABaseUrlAndTheWorkerListShowsOnlyVmHosts(TestDatabase db) {
        try (TestApp app = Market.start(db)) {
            String host = Market.registerWorker(app, "host", "http://192.168.1.100:4000", 3).json().get("id").asText();
            assertThat(app.http.post("/api/v1/workers/register",
                    "{\"workerId\":\"chat-1\",\"endpoint\":\"http://localhost:8001\"}", TestApp.worker()).status())
                    .isIn(200, 201);
            assertThat(app.http.post("/api/workers/register", "{\"workerId\":\"runner-1\",\"hostname\":\"h\"}",
                    TestApp.worker()).status()).isIn(200, 201);
            Http.Response enrolled = app.http.post("/api/v1/workers",
                    "{\"ip\":\"203.0.113.5\",\"secret\":\"" + MarketplaceWorkerApiTest.SECRET + "\"}", TestApp.worker());
            assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(201);
            String agent = enrolled.json().get("id").asText();

            Http.Response list = app.http.get("/admin/workers", TestApp.admin());
            assertThat(ids(list.json())).as("only workers that can host VMs: %s", list.body()).containsExactly(host);

            for (String noUrl : List.of("chat-1", "runner-1", agent)) {
                Http.Response r = Market.createProduct(app, "VPS", 10, 2, List.of(host, noUrl));
                assertThat(r.status()).as(r.body()).isEqualTo(400);
                assertThat(r.json().get("field").asText()).isEqualTo("worker_ids");
                assertThat(r.json().get("message").asText()).contains(noUrl).contains("base_url").doesNotContain(host);
            }
            assertThat(app.http.get("/admin/vps-products", TestApp.admin()).json()).as("nothing created").isEmpty();
            String product = Market.product(app, "VPS", 10, host);
            Http.Response patch = Market.patchProduct(app, product, "{\"worker_ids\":[\"runner-1\"]}");
            assertThat(patch.status()).isEqualTo(400);
            assertThat(patch.json().get("message").asText()).contains("runner-1");

            // Given a base_url, an enrolled agent can host VMs: it is listed and may serve a product.
            assertThat(app.http.method("PATCH", "/admin/workers/" + agent, "{\"base_url\":\"http://203.0.113.5:4000\"}",
                    TestApp.admin()[0], TestApp.admin()[1], "Content-Type", "application/json").status()).isEqualTo(200);
            assertThat(ids(app.http.get("/admin/workers", TestApp.admin()).json())).containsExactly(host, agent);
            assertThat(Market.patchProduct(app, product, "{\"worker_ids\":[\"" + agent + "\"]}").status())
                    .isEqualTo(200);
        }
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static List<String> ids(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get("id").asText()));
        return out;
    }
}
