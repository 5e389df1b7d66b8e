package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** POST /vps/purchase-and-create against a fake worker, and the session's life until DELETE. */
class MarketplacePurchaseTest {

    static void assertNoWorkerDetail(Http.Response r, FakeVmWorker fake, String workerId) {
        assertThat(r.body()).as("no worker URL, address or id reaches a user")
                .doesNotContain(fake.url()).doesNotContain("127.0.0.1").doesNotContain(workerId)
                .doesNotContain("worker_id").doesNotContain("base_url");
    }

    @DbTest
    void aPurchaseProvisionsAVmThatBecomesReadyAndIsDeleted(TestDatabase db) throws Exception {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            String workerId = Market.worker(app, fake, 3);
            String productId = Market.product(app, "Windows VPS", 100, workerId);
            JsonNode user = Market.user(app, "buyer@example.com", 250);
            String userId = user.get("id").asText();
            String token = user.get("token").asText();

            Http.Response r = Market.purchase(app, token, "unique-key-123", productId);
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            assertThat(r.header("Content-Type")).startsWith("application/json");
            assertNoWorkerDetail(r, fake, workerId);
            JsonNode s = r.json();
            String sessionId = s.get("id").asText();
            assertThat(sessionId).isNotBlank();
            assertThat(s.get("product").get("id").asText()).isEqualTo(productId);
            assertThat(s.get("product").get("name").asText()).isEqualTo("Windows VPS");
            assertThat(s.get("status").asText()).isIn("provisioning", "ready");
            assertThat(s.get("price_coins").asLong()).isEqualTo(100);
            assertThat(Instant.parse(s.get("created_at").asText())).isNotNull();

            List<FakeVmWorker.Call> creates = fake.calls("POST", "/vm-loso");
            assertThat(creates).hasSize(1);
            assertThat(Market.MAPPER.readTree(creates.get(0).body()).get("action").asInt())
                    .as("the product's provision_action is sent").isEqualTo(2);
            String route = fake.routes().get(0);

            assertThat(Market.balance(app, userId)).as("debited once").isEqualTo(150);
            List<JsonNode> purchases = Market.entriesWithOp(app, userId, "purchase");
            assertThat(purchases).hasSize(1);
            assertThat(purchases.get(0).get("delta").asLong()).isEqualTo(-100);
            assertThat(purchases.get(0).get("balance_after").asLong()).isEqualTo(150);
            assertThat(purchases.get(0).get("session_id").asText()).isEqualTo(sessionId);
            assertThat(Market.sumOfDeltas(app, userId)).isEqualTo(150);
            assertThat(Market.activeSessions(app, workerId)).isEqualTo(1);

            JsonNode ready = Market.awaitStatus(app, token, sessionId, "ready");
            assertThat(ready.get("product").get("name").asText()).isEqualTo("Windows VPS");
            assertThat(fake.calls("GET", "/log/" + route)).as("the server polled the log").isNotEmpty();
            assertNoWorkerDetail(Market.session(app, token, sessionId), fake, workerId);

            Http.Response log = app.http.get("/vps/sessions/" + sessionId + "/log", Market.bearer(token));
            assertThat(log.status()).as(log.body()).isEqualTo(200);
            assertThat(log.header("Content-Type")).startsWith("text/plain");
            assertThat(log.body()).isEqualTo(FakeVmWorker.log(route, true)).contains("Password:").endsWith("Status: ready\n");

            Thread.sleep(5);
            String second = Market.bought(app, token, "unique-key-456", productId).get("id").asText();
            assertThat(Market.balance(app, userId)).isEqualTo(50);
            assertThat(Market.activeSessions(app, workerId)).isEqualTo(2);

            Http.Response list = app.http.get("/vps/sessions", Market.bearer(token));
            assertThat(list.status()).isEqualTo(200);
            assertNoWorkerDetail(list, fake, workerId);
            List<String> ids = new ArrayList<>();
            list.json().get("sessions").forEach(n -> ids.add(n.get("id").asText()));
            assertThat(ids).as("newest first").containsExactly(second, sessionId);
            Http.Response page = app.http.get("/vps/sessions?limit=1", Market.bearer(token));
            assertThat(page.json().get("sessions")).hasSize(1);
            assertThat(page.json().get("sessions").get(0).get("id").asText()).isEqualTo(second);
            String cursor = page.json().get("next_cursor").asText();
            Http.Response page2 = app.http.get("/vps/sessions?limit=1&cursor=" + cursor, Market.bearer(token));
            assertThat(page2.json().get("sessions").get(0).get("id").asText()).isEqualTo(sessionId);
            assertThat(page2.json().get("next_cursor").isNull()).isTrue();

            Http.Response deleted = app.http.method("DELETE", "/vps/sessions/" + sessionId, null, Market.bearer(token));
            assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
            assertThat(deleted.json().get("status").asText()).isEqualTo("deleted");
            assertNoWorkerDetail(deleted, fake, workerId);
            assertThat(fake.calls("POST", "/stop/")).extracting(FakeVmWorker.Call::path).containsExactly("/stop/" + route);
            assertThat(Market.activeSessions(app, workerId)).isEqualTo(1);
            assertThat(Market.sessionStatusInDb(app, sessionId)).isEqualTo("deleted");
            assertThat(Market.session(app, token, sessionId).status()).as("a deleted session is gone for its owner")
                    .isEqualTo(404);
            List<String> after = new ArrayList<>();
            app.http.get("/vps/sessions", Market.bearer(token)).json().get("sessions")
                    .forEach(n -> after.add(n.get("id").asText()));
            assertThat(after).containsExactly(second);

            Market.awaitStatus(app, token, second, "ready");
            assertThat(app.http.method("DELETE", "/vps/sessions/" + second, null, Market.bearer(token)).status())
                    .isEqualTo(200);
            assertThat(Market.activeSessions(app, workerId)).as("every slot is back").isZero();
            assertThat(Market.balance(app, userId)).as("deleting refunds nothing").isEqualTo(50);
            assertThat(app.http.method("DELETE", "/vps/sessions/" + second, null, Market.bearer(token)).status())
                    .as("deleting twice").isEqualTo(404);
        }
    }

    @DbTest
    void aVmThatIsNotReadyYetStaysProvisioning(TestDatabase db) {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            fake.ready = false;
            String workerId = Market.worker(app, fake, 3);
            String productId = Market.product(app, "Linux VPS", 10, workerId);
            String token = Market.user(app, "slow@example.com", 10).get("token").asText();
            String sessionId = Market.bought(app, token, "k", productId).get("id").asText();
            String route = fake.routes().get(0);

            org.awaitility.Awaitility.await().atMost(Market.SETTLE)
                    .until(() -> fake.calls("GET", "/log/" + route).size() >= 2);
            assertThat(Market.session(app, token, sessionId).json().get("status").asText()).isEqualTo("provisioning");
            Http.Response log = app.http.get("/vps/sessions/" + sessionId + "/log", Market.bearer(token));
            assertThat(log.status()).isEqualTo(200);
            assertThat(log.body()).contains("Status: booting").doesNotContain("Status: ready");

            fake.ready = true;
            Market.awaitStatus(app, token, sessionId, "ready");
        }
    }

    @DbTest
    void purchaseInputErrors(TestDatabase db) {
        // None of these calls the worker; the round's listing of its VMs, due at once for a new worker, is no such call.
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            String workerId = Market.worker(app, fake, 3);
            String productId = Market.product(app, "VPS", 100, workerId);
            JsonNode user = Market.user(app, "errors@example.com", 100);
            String userId = user.get("id").asText();
            String token = user.get("token").asText();

            Http.Response noKey = Market.purchase(app, token, null, productId);
            assertThat(noKey.status()).as(noKey.body()).isEqualTo(400);
            assertThat(noKey.json().get("field").asText()).isEqualTo("Idempotency-Key");
            Http.Response longKey = Market.purchase(app, token, "k".repeat(256), productId);
            assertThat(longKey.status()).as(longKey.body()).isEqualTo(400);
            assertThat(longKey.json().get("field").asText()).isEqualTo("Idempotency-Key");
            Http.Response noProduct = Market.purchaseRaw(app, token, "k1", "{}");
            assertThat(noProduct.status()).as(noProduct.body()).isEqualTo(400);
            assertThat(noProduct.json().get("field").asText()).isEqualTo("product_id");
            Http.Response wrongType = Market.purchaseRaw(app, token, "k2", "{\"product_id\":5}");
            assertThat(wrongType.status()).isEqualTo(400);
            assertThat(wrongType.json().get("field").asText()).isEqualTo("product_id");
            Http.Response noBody = Market.purchaseRaw(app, token, "k3", "");
            assertThat(noBody.status()).isEqualTo(400);
            Http.Response unknown = Market.purchase(app, token, "k4", "00000000-0000-0000-0000-000000000000");
            assertThat(unknown.status()).as(unknown.body()).isEqualTo(404);
            assertThat(unknown.json().get("error").asText()).isEqualTo("product_not_found");

            String retired = Market.product(app, "Retired", 1, workerId);
            app.http.method("DELETE", "/admin/vps-products/" + retired, null, TestApp.admin());
            Http.Response inactive = Market.purchase(app, token, "k5", retired);
            assertThat(inactive.status()).as("an inactive product is not for sale").isEqualTo(404);

            assertThat(Market.balance(app, userId)).isEqualTo(100);
            assertThat(Market.ledger(app, userId)).hasSize(1);
            assertThat(fake.callsBesidesListing()).isEmpty();
            assertThat(Market.count(app, "SELECT COUNT(*) FROM vps_sessions")).isZero();

            Http.Response maxKey = Market.purchase(app, token, "k".repeat(255), productId);
            assertThat(maxKey.status()).as("a 255-character key is fine: %s", maxKey.body()).isEqualTo(201);
        }
    }

    @DbTest
    void tooFewCoinsIs402AndNothingIsDebited(TestDatabase db) {
        // None of these calls the worker; the round's listing of its VMs, due at once for a new worker, is no such call.
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            String workerId = Market.worker(app, fake, 3);
            String productId = Market.product(app, "VPS", 100, workerId);
            JsonNode user = Market.user(app, "poor@example.com", 99);
            String userId = user.get("id").asText();
            String token = user.get("token").asText();

            Http.Response r = Market.purchase(app, token, "poor-1", productId);
            assertThat(r.status()).as(r.body()).isEqualTo(402);
            assertThat(r.json().get("error").asText()).isEqualTo("insufficient_coins");
            assertThat(Market.balance(app, userId)).isEqualTo(99);
            assertThat(Market.ledger(app, userId)).hasSize(1);
            assertThat(Market.entriesWithOp(app, userId, "purchase")).isEmpty();
            assertThat(Market.activeSessions(app, workerId)).as("no slot taken").isZero();
            assertThat(fake.callsBesidesListing()).as("the worker was never called").isEmpty();
            assertThat(Market.count(app, "SELECT COUNT(*) FROM vps_sessions")).isZero();
            assertThat(app.http.get("/vps/sessions", Market.bearer(token)).json().get("sessions")).isEmpty();
        }
    }

    @DbTest
    void noWorkerWithRoomIs503AndNothingIsDebited(TestDatabase db) {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            String workerId = Market.worker(app, fake, 1);
            String productId = Market.product(app, "VPS", 10, workerId);
            String lonely = Market.product(app, "No workers", 10);
            JsonNode user = Market.user(app, "cap@example.com", 100);
            String userId = user.get("id").asText();
            String token = user.get("token").asText();

            Http.Response none = Market.purchase(app, token, "a", lonely);
            assertThat(none.status()).as(none.body()).isEqualTo(503);
            assertThat(none.json().get("error").asText()).isEqualTo("no_capacity");

            Market.bought(app, token, "b", productId);
            Http.Response full = Market.purchase(app, token, "c", productId);
            assertThat(full.status()).as(full.body()).isEqualTo(503);
            assertThat(full.json().get("error").asText()).isEqualTo("no_capacity");
            assertNoWorkerDetail(full, fake, workerId);
            assertThat(Market.balance(app, userId)).isEqualTo(90);
            assertThat(Market.activeSessions(app, workerId)).isEqualTo(1);

            app.http.method("PATCH", "/admin/workers/" + workerId, "{\"max_sessions\":2}", TestApp.admin()[0],
                    TestApp.admin()[1], "Content-Type", "application/json");
            assertThat(app.http.post("/admin/workers/" + workerId + "/disable", "", TestApp.admin()).status())
                    .isEqualTo(200);
            Http.Response disabled = Market.purchase(app, token, "d", productId);
            assertThat(disabled.status()).as("a disabled worker takes no sessions: %s", disabled.body()).isEqualTo(503);
            assertThat(Market.balance(app, userId)).isEqualTo(90);
            assertThat(Market.entriesWithOp(app, userId, "purchase")).hasSize(1);
            assertThat(fake.calls("POST", "/vm-loso")).hasSize(1);

            app.http.method("PATCH", "/admin/workers/" + workerId, "{\"status\":\"active\"}", TestApp.admin()[0],
                    TestApp.admin()[1], "Content-Type", "application/json");
            assertThat(Market.purchase(app, token, "e", productId).status()).as("room again").isEqualTo(201);
            assertThat(Market.activeSessions(app, workerId)).isEqualTo(2);
        }
    }

    @DbTest
    void theLeastLoadedWorkerIsChosen(TestDatabase db) {
        try (FakeVmWorker a = FakeVmWorker.start("a"); FakeVmWorker b = FakeVmWorker.start("b");
             TestApp app = Market.start(db)) {
            String wa = Market.worker(app, a, 3);
            String wb = Market.worker(app, b, 3);
            String productId = Market.product(app, "VPS", 1, wa, wb);
            String token = Market.user(app, "lb@example.com", 100).get("token").asText();
            for (int i = 0; i < 6; i++) {
                Market.bought(app, token, "lb-" + i, productId);
                int na = Market.activeSessions(app, wa);
                int nb = Market.activeSessions(app, wb);
                assertThat(Math.abs(na - nb)).as("after %d purchases: %d vs %d", i + 1, na, nb).isLessThanOrEqualTo(1);
            }
            assertThat(a.calls("POST", "/vm-loso")).hasSize(3);
            assertThat(b.calls("POST", "/vm-loso")).hasSize(3);
            assertThat(Market.purchase(app, token, "lb-full", productId).status()).isEqualTo(503);
            assertThat(Market.activeSessions(app, wa)).isEqualTo(3);
            assertThat(Market.activeSessions(app, wb)).isEqualTo(3);
        }
    }

    @DbTest
    void aWorkerThatCannotStopLeavesTheSessionStoppingUntilARetrySucceeds(TestDatabase db) {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            String workerId = Market.worker(app, fake, 3);
            String productId = Market.product(app, "VPS", 10, workerId);
            String token = Market.user(app, "stop@example.com", 10).get("token").asText();
            String sessionId = Market.bought(app, token, "k", productId).get("id").asText();
            Market.awaitStatus(app, token, sessionId, "ready");

            fake.failStops = true;
            Http.Response r = app.http.method("DELETE", "/vps/sessions/" + sessionId, null, Market.bearer(token));
            assertThat(r.status()).as(r.body()).isEqualTo(202);
            assertThat(r.json().get("status").asText()).isEqualTo("stopping");
            assertThat(Market.session(app, token, sessionId).json().get("status").asText()).isEqualTo("stopping");
            org.awaitility.Awaitility.await().atMost(Market.SETTLE)
                    .until(() -> fake.calls("POST", "/stop/").size() >= 2);
            assertThat(Market.sessionStatusInDb(app, sessionId)).as("still failing to stop").isEqualTo("stopping");

            fake.failStops = false;
            org.awaitility.Awaitility.await("the background loop retries the stop").atMost(Market.SETTLE)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> Market.sessionStatusInDb(app, sessionId).equals("deleted"));
            assertThat(Market.activeSessions(app, workerId)).isZero();
            assertThat(Market.session(app, token, sessionId).status()).isEqualTo(404);
        }
    }

    @DbTest
    void theLogOfAnUnreachableWorkerIs503WithoutItsAddress(TestDatabase db) {
        FakeVmWorker fake = FakeVmWorker.start();
        try (TestApp app = Market.start(db)) {
            String workerId = Market.worker(app, fake, 3);
            String productId = Market.product(app, "VPS", 10, workerId);
            String token = Market.user(app, "gone@example.com", 10).get("token").asText();
            String sessionId = Market.bought(app, token, "k", productId).get("id").asText();
            fake.close();
            Http.Response log = app.http.get("/vps/sessions/" + sessionId + "/log", Market.bearer(token));
            assertThat(log.status()).as(log.body()).isIn(502, 503, 504);
            assertNoWorkerDetail(log, fake, workerId);
        } finally {
            fake.close();
        }
    }
}
