package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.Map;

/**
 * A purchase whose request died after paying: before the worker was asked it is refunded; after
 * it, it holds its slot until Vectis knows whether the VM exists, and never a VM runs untracked.
 */
class MarketplaceRecoveryTest {

    @DbTest
    void aSessionWhoseWorkerWasNeverAskedIsFailedAndRefunded(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db, Map.of(), clock)) {
            Sale sale = Sale.of(app, fake, "bob");
            String workerId = sale.workerId();
            String token = sale.token();
            String userId = sale.userId();
            String sessionId = sale.sessionId();
            // As a server of an earlier version left a purchase that died before recording its intent to ask.
            app.app().database().jdbi().useHandle(h -> h.createUpdate(
                    "UPDATE vps_sessions SET status = 'pending', route = NULL, create_sent_at = NULL WHERE id = :id")
                    .bind("id", sessionId).execute());

            app.app().features().vpsSessions().tick().join();
            assertThat(Market.sessionStatusInDb(app, sessionId)).as("a fresh pending session is left alone")
                    .isEqualTo("pending");

            clock.advance(Duration.ofMinutes(2));
            app.app().features().vpsSessions().tick().join();
            MarketplaceWorkerFailureTest.assertFailedAndRefunded(app, token, userId, sessionId, workerId, fake, 100, 40);
            assertThat(Market.session(app, token, sessionId).json().get("status_reason").asText())
                    .startsWith("The purchase was interrupted before the VM was requested");
        }
    }

    @DbTest
    void aSessionWhoseWorkerWasRemovedAfterBeingAskedIsFailedAndRefunded(TestDatabase db) {
        refundedOnceItsWorkerIsGone(db, false);
    }

    @DbTest
    void aSessionInDoubtWhoseWorkerWasRemovedIsFailedAndRefunded(TestDatabase db) {
        refundedOnceItsWorkerIsGone(db, true);
    }

    /** The worker's row is gone (its sessions' worker set to null), so no one can say whether the VM was made. */
    private static void refundedOnceItsWorkerIsGone(TestDatabase db, boolean inDoubt) {
        MutableClock clock = new MutableClock();
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db, Map.of(), clock)) {
            Sale sale = Sale.of(app, fake, "erin");
            String sessionId = sale.sessionId();
            app.app().database().jdbi().useHandle(h -> h.createUpdate("UPDATE vps_sessions SET status = 'pending', "
                            + "route = NULL, worker_id = NULL, doubt_since = :doubt WHERE id = :id")
                    .bind("doubt", inDoubt ? clock.millis() : null).bind("id", sessionId).execute());

            app.app().features().vpsSessions().tick().join();
            assertThat(Market.sessionStatusInDb(app, sessionId)).isEqualTo(inDoubt ? "failed" : "pending");

            clock.advance(Duration.ofMinutes(2));
            app.app().features().vpsSessions().tick().join();
            JsonNode s = Market.awaitStatus(app, sale.token(), sessionId, "failed");
            assertThat(s.get("status_reason").asText()).isEqualTo(
                    "Provisioning failed: the worker was removed before it answered");
            assertThat(Market.balance(app, sale.userId())).as("the price is refunded").isEqualTo(100);
            assertThat(Market.entriesWithOp(app, sale.userId(), "refund")).hasSize(1);
        }
    }

    /**
     * The leak of the issue: the node died after asking the worker for the VM. A worker that
     * cannot list its VMs cannot say whether it made one, so the session keeps its slot and its
     * price, and waits for an operator, rather than being refunded on a guess.
     */
    @DbTest
    void aSessionWhoseWorkerWasAskedKeepsItsSlotAndWaitsForAnOperator(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db, Map.of(), clock)) {
            Sale sale = Sale.of(app, fake, "dave");
            String workerId = sale.workerId();
            String token = sale.token();
            String userId = sale.userId();
            String sessionId = sale.sessionId();
            // As if the node died while the worker was making the VM: the intent is recorded, the answer is not.
            app.app().database().jdbi().useHandle(h -> h.createUpdate(
                    "UPDATE vps_sessions SET status = 'pending', route = NULL, requested_at = NULL WHERE id = :id")
                    .bind("id", sessionId).execute());

            app.app().features().vpsSessions().tick().join();
            assertThat(Market.adminSession(app, sessionId).get("vm_request").get("in_doubt").asBoolean())
                    .as("a request that may still be answered is not in doubt yet").isFalse();

            clock.advance(Duration.ofMinutes(2));
            app.app().features().vpsSessions().tick().join();
            app.app().features().vpsSessions().tick().join();

            JsonNode held = Market.adminSession(app, sessionId);
            assertThat(held.get("status").asText()).isEqualTo("pending");
            assertThat(held.get("holds_slot").asBoolean()).isTrue();
            assertThat(held.get("flagged").asBoolean()).isTrue();
            assertThat(held.get("worker_id").asText()).isEqualTo(workerId);
            assertThat(held.get("vm_request").get("in_doubt").asBoolean()).isTrue();
            assertThat(held.get("vm_request").get("sent_at").isNull()).isFalse();
            assertThat(held.get("vm_request").get("in_doubt_since").isNull()).isFalse();
            assertThat(held.get("status_reason").asText()).contains("cannot tell whether it made one")
                    .doesNotContain("before the VM was requested");
            assertThat(Market.activeSessions(app, workerId)).as("the slot stays held").isEqualTo(1);
            assertThat(Market.balance(app, userId)).as("nothing refunded on a guess").isEqualTo(60);
            assertThat(Market.entriesWithOp(app, userId, "refund")).isEmpty();
            assertThat(app.http.get("/admin/vps-sessions?flagged=true", TestApp.admin()).json().get("sessions"))
                    .extracting(s -> s.get("id").asText()).containsExactly(sessionId);
            JsonNode owners = Market.session(app, token, sessionId).json();
            assertThat(owners.toString()).doesNotContain(fake.url()).doesNotContain(workerId);
            assertThat(app.http.method("DELETE", "/vps/sessions/" + sessionId, null, Market.bearer(token)).status())
                    .isEqualTo(409);

            // The operator checked the worker and found no VM for it.
            Http.Response resolved = app.http.post("/admin/vps-sessions/" + sessionId + "/resolve",
                    "{\"action\":\"refund\"}", TestApp.admin());
            assertThat(resolved.status()).as(resolved.body()).isEqualTo(200);
            MarketplaceWorkerFailureTest.assertFailedAndRefunded(app, token, userId, sessionId, workerId, fake, 100, 40);
        }
    }

    @DbTest
    void aVmGivenUpOnIsStoppedOnItsWorker(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db, Map.of(), clock)) {
            fake.ready = false;
            String sessionId = Sale.of(app, fake, "carol").sessionId();
            clock.advance(Duration.ofHours(1));
            app.app().features().vpsSessions().tick().join();
            assertThat(Market.sessionStatusInDb(app, sessionId)).isEqualTo("failed");
            assertThat(fake.calls("POST", "/stop/")).hasSize(1);
        }
    }

    /** Refunded at once, but the slot is not freed on a guess: a VM the worker will not stop still occupies it. */
    @DbTest
    void aVmGivenUpOnThatWillNotStopKeepsItsSlotUntilTheWorkerConfirms(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db, Map.of(), clock)) {
            fake.ready = false;
            fake.failStops = true;
            Sale sale = Sale.of(app, fake, "erin");
            String workerId = sale.workerId();
            String userId = sale.userId();
            String sessionId = sale.sessionId();
            clock.advance(Duration.ofHours(1));
            app.app().features().vpsSessions().tick().join();

            JsonNode failed = Market.adminSession(app, sessionId);
            assertThat(failed.get("status").asText()).isEqualTo("failed");
            assertThat(failed.get("status_reason").asText()).contains("the price was refunded")
                    .contains("has not confirmed that the VM stopped").doesNotContain("the VM was stopped");
            assertThat(Market.balance(app, userId)).isEqualTo(100);
            assertThat(failed.get("holds_slot").asBoolean()).isTrue();
            assertThat(Market.activeSessions(app, workerId)).isEqualTo(1);
            assertThat(failed.get("stop").get("attempts").asInt()).isEqualTo(1);
            assertThat(failed.get("stop").get("next_try_at").isNull()).isFalse();

            fake.failStops = false;
            clock.advance(Duration.ofSeconds(3));
            app.app().features().vpsSessions().tick().join();
            JsonNode stopped = Market.adminSession(app, sessionId);
            assertThat(stopped.get("status").asText()).isEqualTo("failed");
            assertThat(stopped.get("holds_slot").asBoolean()).isFalse();
            assertThat(Market.activeSessions(app, workerId)).isZero();
            assertThat(fake.calls("POST", "/stop/")).hasSize(2);
            assertThat(Market.entriesWithOp(app, userId, "refund")).hasSize(1);
        }
    }

    /** A worker of one slot, a product of 40 coins on it, and one session bought by a user with 100 coins. */
    private record Sale(String workerId, String token, String userId, String sessionId) {

        static Sale of(TestApp app, FakeVmWorker fake, String name) {
            String workerId = Market.worker(app, fake, 1);
            String productId = Market.product(app, "Test VPS", 40, workerId);
            JsonNode user = Market.user(app, name + "@example.com", 100);
            String token = user.get("token").asText();
            return new Sale(workerId, token, user.get("id").asText(),
                    Market.bought(app, token, "k-1", productId).get("id").asText());
        }
    }
}
