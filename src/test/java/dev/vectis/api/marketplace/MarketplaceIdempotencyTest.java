package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** Idempotency-Key on purchases: replay byte for byte, 422 for another body, 409 while running, per user. */
class MarketplaceIdempotencyTest {

    @DbTest
    void theSameKeyAndBodyReplaysTheFirstAnswerAndChargesOnce(TestDatabase db) {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            String workerId = Market.worker(app, fake, 3);
            String productId = Market.product(app, "VPS", 40, workerId);
            JsonNode user = Market.user(app, "replay@example.com", 100);
            String userId = user.get("id").asText();
            String token = user.get("token").asText();

            Http.Response first = Market.purchase(app, token, "replay-key", productId);
            assertThat(first.status()).as(first.body()).isEqualTo(201);
            String sessionId = first.json().get("id").asText();
            Market.awaitStatus(app, token, sessionId, "ready");

            for (int i = 0; i < 3; i++) {
                Http.Response again = Market.purchase(app, token, "replay-key", productId);
                assertThat(again.status()).as("replay %d", i).isEqualTo(first.status());
                assertThat(again.body()).as("replay %d is byte for byte the first answer", i).isEqualTo(first.body());
            }
            // The same JSON, spaced differently, is the same request.
            Http.Response spaced = Market.purchaseRaw(app, token, "replay-key",
                    "{ \"product_id\" : \"" + productId + "\" }");
            assertThat(spaced.status()).isEqualTo(201);
            assertThat(spaced.body()).isEqualTo(first.body());

            assertThat(Market.balance(app, userId)).as("charged once").isEqualTo(60);
            assertThat(Market.entriesWithOp(app, userId, "purchase")).hasSize(1);
            assertThat(Market.count(app, "SELECT COUNT(*) FROM vps_sessions WHERE user_id = ?", userId)).isEqualTo(1);
            assertThat(fake.calls("POST", "/vm-loso")).as("one VM").hasSize(1);
            assertThat(Market.activeSessions(app, workerId)).isEqualTo(1);
            String metrics = app.http.get("/metrics").body();
            assertThat(metrics).as("one purchase accepted, four replayed")
                    .containsPattern("vectis_purchases_total\\{outcome=\"accepted\"} 1(\\.0)?\n")
                    .containsPattern("vectis_purchases_total\\{outcome=\"replayed\"} 4(\\.0)?\n");
        }
    }

    @DbTest
    void aReplayStillWorksADayLater(TestDatabase db) {
        dev.vectis.testing.MutableClock clock = new dev.vectis.testing.MutableClock();
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db, java.util.Map.of(), clock)) {
            String workerId = Market.worker(app, fake, 3);
            String productId = Market.product(app, "VPS", 10, workerId);
            JsonNode user = Market.user(app, "later@example.com", 100);
            String token = user.get("token").asText();
            Http.Response first = Market.purchase(app, token, "day-key", productId);
            assertThat(first.status()).isEqualTo(201);
            clock.advance(Duration.ofHours(23).plusMinutes(59));
            Http.Response later = Market.purchase(app, token, "day-key", productId);
            assertThat(later.status()).isEqualTo(201);
            assertThat(later.body()).as("keys are kept at least 24 h").isEqualTo(first.body());
            assertThat(Market.balance(app, user.get("id").asText())).isEqualTo(90);
            assertThat(fake.calls("POST", "/vm-loso")).hasSize(1);
        }
    }

    @DbTest
    void theSameKeyWithAnotherBodyIs422(TestDatabase db) {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            String workerId = Market.worker(app, fake, 3);
            String productId = Market.product(app, "VPS", 40, workerId);
            String otherProduct = Market.product(app, "Other VPS", 10, workerId);
            JsonNode user = Market.user(app, "reuse@example.com", 100);
            String userId = user.get("id").asText();
            String token = user.get("token").asText();

            Http.Response first = Market.purchase(app, token, "reuse-key", productId);
            assertThat(first.status()).isEqualTo(201);
            Http.Response other = Market.purchase(app, token, "reuse-key", otherProduct);
            assertThat(other.status()).as(other.body()).isEqualTo(422);
            assertThat(other.json().get("error").asText()).isEqualTo("idempotency_key_reused");
            Http.Response extra = Market.purchaseRaw(app, token, "reuse-key",
                    "{\"product_id\":\"" + productId + "\",\"note\":\"x\"}");
            assertThat(extra.status()).as("an added field is another body: %s", extra.body()).isEqualTo(422);

            assertThat(Market.balance(app, userId)).isEqualTo(60);
            assertThat(Market.entriesWithOp(app, userId, "purchase")).hasSize(1);
            assertThat(fake.calls("POST", "/vm-loso")).hasSize(1);
            assertThat(Market.purchase(app, token, "reuse-key", productId).body()).as("the first answer still replays")
                    .isEqualTo(first.body());
        }
    }

    @DbTest
    void theSameKeyWhileTheFirstRequestRunsIs409(TestDatabase db) throws Exception {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            fake.createDelay = Duration.ofSeconds(2);
            String workerId = Market.worker(app, fake, 3);
            String productId = Market.product(app, "VPS", 40, workerId);
            JsonNode user = Market.user(app, "racing@example.com", 100);
            String userId = user.get("id").asText();
            String token = user.get("token").asText();

            CompletableFuture<Http.Response> first = CompletableFuture.supplyAsync(
                    () -> Market.purchase(app, token, "slow-key", productId));
            Awaitility.await("the first request reaches the worker").atMost(Duration.ofSeconds(10))
                    .until(() -> !fake.calls("POST", "/vm-loso").isEmpty());

            Http.Response second = Market.purchase(app, token, "slow-key", productId);
            assertThat(second.status()).as("still running: %s", second.body()).isEqualTo(409);
            assertThat(second.json().get("error").asText()).isEqualTo("idempotency_key_in_use");
            assertThat(first.isDone()).as("the second answer did not wait for the first").isFalse();

            Http.Response firstAnswer = first.get(30, TimeUnit.SECONDS);
            assertThat(firstAnswer.status()).as(firstAnswer.body()).isEqualTo(201);
            Http.Response third = Market.purchase(app, token, "slow-key", productId);
            assertThat(third.status()).isEqualTo(201);
            assertThat(third.body()).isEqualTo(firstAnswer.body());

            assertThat(Market.balance(app, userId)).isEqualTo(60);
            assertThat(Market.entriesWithOp(app, userId, "purchase")).hasSize(1);
            assertThat(fake.calls("POST", "/vm-loso")).hasSize(1);
            assertThat(Market.count(app, "SELECT COUNT(*) FROM vps_sessions")).isEqualTo(1);
        }
    }

    @DbTest
    void keysArePerUser(TestDatabase db) {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            String workerId = Market.worker(app, fake, 3);
            String productId = Market.product(app, "VPS", 40, workerId);
            JsonNode alice = Market.user(app, "alice@example.com", 100);
            JsonNode bob = Market.user(app, "bob@example.com", 100);

            Http.Response a = Market.purchase(app, alice.get("token").asText(), "shared-key", productId);
            Http.Response b = Market.purchase(app, bob.get("token").asText(), "shared-key", productId);
            assertThat(a.status()).isEqualTo(201);
            assertThat(b.status()).as("another user's key does not replay: %s", b.body()).isEqualTo(201);
            assertThat(b.json().get("id").asText()).isNotEqualTo(a.json().get("id").asText());
            assertThat(Market.balance(app, alice.get("id").asText())).isEqualTo(60);
            assertThat(Market.balance(app, bob.get("id").asText())).isEqualTo(60);
            assertThat(fake.calls("POST", "/vm-loso")).hasSize(2);

            // Another user's key with another body is not a conflict either.
            String other = Market.product(app, "Other", 10, workerId);
            JsonNode carol = Market.user(app, "carol@example.com", 100);
            assertThat(Market.purchase(app, carol.get("token").asText(), "shared-key", other).status()).isEqualTo(201);
        }
    }

    @DbTest
    void twoConcurrentRequestsWithOneKeyChargeOnce(TestDatabase db) throws Exception {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            fake.createDelay = Duration.ofMillis(300);
            String workerId = Market.worker(app, fake, 10);
            String productId = Market.product(app, "VPS", 10, workerId);
            JsonNode user = Market.user(app, "twice@example.com", 100);
            String token = user.get("token").asText();
            java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(8);
            java.util.List<CompletableFuture<Http.Response>> all = new java.util.ArrayList<>();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
            try {
                for (int i = 0; i < 8; i++) {
                    all.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            together.await();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        return Market.purchase(app, token, "double-click", productId);
                    }, pool));
                }
                int created = 0;
                String body = null;
                for (CompletableFuture<Http.Response> f : all) {
                    Http.Response r = f.get(60, TimeUnit.SECONDS);
                    assertThat(r.status()).as(r.body()).isIn(201, 409);
                    if (r.status() == 201) {
                        created++;
                        body = body == null ? r.body() : body;
                        assertThat(r.body()).isEqualTo(body);
                    }
                }
                assertThat(created).isGreaterThanOrEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
            assertThat(Market.balance(app, user.get("id").asText())).isEqualTo(90);
            assertThat(fake.calls("POST", "/vm-loso")).hasSize(1);
        }
    }
}
