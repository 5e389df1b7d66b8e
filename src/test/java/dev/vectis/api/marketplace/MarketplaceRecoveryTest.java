package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.Map;

/** A purchase whose request died after paying is not left holding the user's coins and the worker's slot. */
class MarketplaceRecoveryTest {

    @DbTest
    void aSessionLeftPendingIsFailedAndRefunded(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db, Map.of(), clock)) {
            String workerId = Market.worker(app, fake, 1);
            String productId = Market.product(app, "Test VPS", 40, workerId);
            JsonNode user = Market.user(app, "bob@example.com", 100);
            String token = user.get("token").asText();
            String userId = user.get("id").asText();
            String sessionId = Market.bought(app, token, "k-1", productId).get("id").asText();
            // As if the node died between the purchase's commit and its call to the worker.
            app.app().database().jdbi().useHandle(h -> h.createUpdate(
                    "UPDATE vps_sessions SET status = 'pending', route = NULL WHERE id = :id").bind("id", sessionId)
                    .execute());

            app.app().features().vpsSessions().tick();
            assertThat(Market.sessionStatusInDb(app, sessionId)).as("a fresh pending session is left alone")
                    .isEqualTo("pending");

            clock.advance(Duration.ofMinutes(2));
            app.app().features().vpsSessions().tick();
            MarketplaceWorkerFailureTest.assertFailedAndRefunded(app, token, userId, sessionId, workerId, fake, 100, 40);
        }
    }

    @DbTest
    void aVmGivenUpOnIsStoppedOnItsWorker(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db, Map.of(), clock)) {
            fake.ready = false;
            String workerId = Market.worker(app, fake, 1);
            String productId = Market.product(app, "Test VPS", 40, workerId);
            JsonNode user = Market.user(app, "carol@example.com", 100);
            String sessionId = Market.bought(app, user.get("token").asText(), "k-1", productId).get("id").asText();
            clock.advance(Duration.ofHours(1));
            app.app().features().vpsSessions().tick();
            assertThat(Market.sessionStatusInDb(app, sessionId)).isEqualTo("failed");
            assertThat(fake.calls("POST", "/stop/")).hasSize(1);
        }
    }
}
