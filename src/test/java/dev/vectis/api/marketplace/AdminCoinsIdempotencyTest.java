package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.HoldsTransactionsOpen;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.jdbi.v3.core.Handle;

/**
 * PATCH /admin/users/{id}/coins with an Idempotency-Key follows the purchase's rules: the same
 * key and body replay the first answer byte for byte and change the balance once; another body
 * is 422; while the first still runs it is 409. Keys are the admin's, per user, and never meet
 * a user's purchase keys. Without the header every request counts, as the spec shows.
 */
@HoldsTransactionsOpen
class AdminCoinsIdempotencyTest {

    static Http.Response coins(TestApp app, String userId, String key, String body) {
        List<String> headers = new ArrayList<>(List.of(TestApp.admin()));
        headers.addAll(List.of("Content-Type", "application/json"));
        if (key != null) {
            headers.addAll(List.of("Idempotency-Key", key));
        }
        return app.http.method("PATCH", "/admin/users/" + userId + "/coins", body, headers.toArray(String[]::new));
    }

    @DbTest
    void theSameKeyAndBodyReplaysTheFirstAnswerAndCreditsOnce(TestDatabase db) {
        try (TestApp app = Market.start(db)) {
            String userId = Market.user(app, "credit@example.com", 100).get("id").asText();

            Http.Response first = coins(app, userId, "topup-1", "{\"op\":\"add\",\"amount\":500,\"reason\":\"bonus\"}");
            assertThat(first.status()).as(first.body()).isEqualTo(200);
            assertThat(first.json().get("coins").asLong()).isEqualTo(600);
            for (int i = 0; i < 3; i++) {
                Http.Response again = coins(app, userId, "topup-1", "{\"op\":\"add\",\"amount\":500,\"reason\":\"bonus\"}");
                assertThat(again.status()).isEqualTo(200);
                assertThat(again.body()).as("replay %d is byte for byte the first answer", i).isEqualTo(first.body());
            }
            Http.Response spaced = coins(app, userId, "topup-1",
                    "{ \"reason\" : \"bonus\", \"amount\" : 500, \"op\" : \"add\" }");
            assertThat(spaced.body()).as("the same JSON, ordered and spaced otherwise").isEqualTo(first.body());

            assertThat(Market.balance(app, userId)).as("credited once").isEqualTo(600);
            assertThat(Market.entriesWithOp(app, userId, "add")).as("the initial balance and the bonus").hasSize(2);
            assertThat(Market.sumOfDeltas(app, userId)).isEqualTo(600);
        }
    }

    @DbTest
    void theSameKeyWithAnotherBodyIs422AndChangesNothing(TestDatabase db) {
        try (TestApp app = Market.start(db)) {
            String userId = Market.user(app, "other-body@example.com", 100).get("id").asText();
            Http.Response first = coins(app, userId, "k", "{\"op\":\"add\",\"amount\":5}");
            assertThat(first.status()).isEqualTo(200);

            for (String other : List.of("{\"op\":\"add\",\"amount\":6}", "{\"op\":\"set\",\"amount\":5}",
                    "{\"op\":\"add\",\"amount\":5,\"reason\":\"x\"}")) {
                Http.Response r = coins(app, userId, "k", other);
                assertThat(r.status()).as("%s: %s", other, r.body()).isEqualTo(422);
                assertThat(r.json().get("error").asText()).isEqualTo("idempotency_key_reused");
            }
            assertThat(Market.balance(app, userId)).isEqualTo(105);
            assertThat(coins(app, userId, "k", "{\"op\":\"add\",\"amount\":5}").body()).isEqualTo(first.body());
        }
    }

    @DbTest
    void theSameKeyWhileTheFirstRunsIs409(TestDatabase db) throws Exception {
        try (TestApp app = Market.start(db)) {
            String userId = Market.user(app, "in-flight@example.com", 100).get("id").asText();
            CompletableFuture<Http.Response> first;
            // The test holds the user's row, so the first request waits inside its change, its key recorded.
            // (On PostgreSQL a lock that still lets the key's foreign-key check through.)
            Handle h = app.app().database().jdbi().open();
            try {
                h.begin();
                h.createQuery("SELECT coins FROM users WHERE id = :id " + (db.isPostgres() ? "FOR NO KEY UPDATE"
                        : "FOR UPDATE")).bind("id", userId).mapTo(Long.class).one();
                first = CompletableFuture.supplyAsync(() -> coins(app, userId, "slow", "{\"op\":\"add\",\"amount\":7}"));
                Awaitility.await("the first request records its key").atMost(Duration.ofSeconds(10))
                        .until(() -> Market.count(app, "SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = ?",
                                "slow") == 1);

                Http.Response second = coins(app, userId, "slow", "{\"op\":\"add\",\"amount\":7}");
                assertThat(second.status()).as("still running: %s", second.body()).isEqualTo(409);
                assertThat(second.json().get("error").asText()).isEqualTo("idempotency_key_in_use");
                assertThat(first).as("the second answer did not wait for the first").isNotDone();
            } finally {
                h.rollback(); // the first request goes on
                h.close();
            }
            Http.Response done = first.get(30, TimeUnit.SECONDS);
            assertThat(done.status()).as(done.body()).isEqualTo(200);
            assertThat(coins(app, userId, "slow", "{\"op\":\"add\",\"amount\":7}").body()).isEqualTo(done.body());
            assertThat(Market.balance(app, userId)).isEqualTo(107);
        }
    }

    @DbTest
    void twoConcurrentIdenticalRequestsCreditOnce(TestDatabase db) throws Exception {
        try (TestApp app = Market.start(db)) {
            String userId = Market.user(app, "concurrent@example.com", 0).get("id").asText();
            int n = 8;
            CyclicBarrier together = new CyclicBarrier(n);
            ExecutorService pool = Executors.newFixedThreadPool(n);
            List<CompletableFuture<Http.Response>> all = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    all.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            together.await();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        return coins(app, userId, "double-submit", "{\"op\":\"add\",\"amount\":1000}");
                    }, pool));
                }
                String body = null;
                for (CompletableFuture<Http.Response> f : all) {
                    Http.Response r = f.get(60, TimeUnit.SECONDS);
                    assertThat(r.status()).as(r.body()).isIn(200, 409);
                    if (r.status() == 200) {
                        body = body == null ? r.body() : body;
                        assertThat(r.body()).as("every 200 is the one answer").isEqualTo(body);
                    }
                }
                assertThat(body).as("one request went through").isNotNull();
            } finally {
                pool.shutdownNow();
            }
            assertThat(Market.balance(app, userId)).as("credited once").isEqualTo(1000);
            assertThat(Market.entriesWithOp(app, userId, "add")).hasSize(1);
        }
    }

    @DbTest
    void adminKeysNeverMeetPurchaseKeysOrOtherUsersKeys(TestDatabase db) {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            String workerId = Market.worker(app, fake, 3);
            String productId = Market.product(app, "VPS", 40, workerId);
            JsonNode alice = Market.user(app, "alice@example.com", 100);
            String aliceId = alice.get("id").asText();
            String bobId = Market.user(app, "bob@example.com", 100).get("id").asText();

            Http.Response bought = Market.purchase(app, alice.get("token").asText(), "shared", productId);
            assertThat(bought.status()).as(bought.body()).isEqualTo(201);
            Http.Response credited = coins(app, aliceId, "shared", "{\"op\":\"add\",\"amount\":50}");
            assertThat(credited.status()).as("the user's purchase key is not the admin's: %s", credited.body())
                    .isEqualTo(200);
            assertThat(credited.json().get("coins").asLong()).isEqualTo(110);
            assertThat(Market.purchase(app, alice.get("token").asText(), "shared", productId).body())
                    .as("the purchase still replays itself").isEqualTo(bought.body());
            assertThat(coins(app, bobId, "shared", "{\"op\":\"add\",\"amount\":50}").json().get("coins").asLong())
                    .as("the same key on another user is another change").isEqualTo(150);
            assertThat(Market.balance(app, aliceId)).isEqualTo(110);
        }
    }

    @DbTest
    void withoutTheHeaderEveryRequestCounts(TestDatabase db) {
        try (TestApp app = Market.start(db)) {
            String userId = Market.user(app, "no-key@example.com", 0).get("id").asText();
            assertThat(coins(app, userId, null, "{\"op\":\"add\",\"amount\":10}").status()).isEqualTo(200);
            assertThat(coins(app, userId, null, "{\"op\":\"add\",\"amount\":10}").status()).isEqualTo(200);
            assertThat(Market.balance(app, userId)).isEqualTo(20);
        }
    }

    @DbTest
    void aRefusedChangeLeavesTheKeyFreeAndBadKeysAre400(TestDatabase db) {
        try (TestApp app = Market.start(db)) {
            String userId = Market.user(app, "refused@example.com", 10).get("id").asText();
            Http.Response tooMuch = coins(app, userId, "retry", "{\"op\":\"sub\",\"amount\":50}");
            assertThat(tooMuch.status()).as(tooMuch.body()).isEqualTo(409);
            assertThat(coins(app, userId, null, "{\"op\":\"add\",\"amount\":40}").status()).isEqualTo(200);
            Http.Response retried = coins(app, userId, "retry", "{\"op\":\"sub\",\"amount\":50}");
            assertThat(retried.status()).as("nothing happened the first time: %s", retried.body()).isEqualTo(200);
            assertThat(Market.balance(app, userId)).isZero();

            for (String bad : List.of(" ", "k".repeat(256))) {
                Http.Response r = coins(app, userId, bad, "{\"op\":\"add\",\"amount\":1}");
                assertThat(r.status()).as("key %s: %s", bad, r.body()).isEqualTo(400);
                assertThat(r.json().get("field").asText()).isEqualTo("Idempotency-Key");
            }
            Http.Response unknown = coins(app, "no-such-user", "k", "{\"op\":\"add\",\"amount\":1}");
            assertThat(unknown.status()).as(unknown.body()).isEqualTo(404);
            assertThat(Market.balance(app, userId)).isZero();
        }
    }
}
