package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.db.Database;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;

/**
 * The marketplace round watches every provisioning session at once, and takes only the
 * background share of the pool for it: a purchase is answered while that share is all in use.
 */
class MarketplaceBackgroundShareTest {

    @DbTest
    void aPurchaseIsAnsweredWhileTheRoundWaitsForItsShareOfThePool(TestDatabase db) throws Exception {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.startAtProductionPace(db, Map.of())) {
            String workerId = Market.worker(app, fake, 3);
            String productId = Market.product(app, "Shared", 1, workerId);
            String token = Market.user(app, "share@example.com", 5).get("token").asText();
            Database database = app.app().database();
            List<Handle> held = new ArrayList<>();
            CompletableFuture<Void> round;
            String sessionId;
            try {
                for (int i = 0; i < database.backgroundShare(); i++) {
                    Handle h = database.background().open();
                    h.createQuery("SELECT 1").mapTo(Integer.class).one();
                    held.add(h);
                }
                round = CompletableFuture.runAsync(() -> app.app().features().vpsSessions().tick().join());
                JsonNode bought = Market.bought(app, token, "k", productId);
                sessionId = bought.get("id").asText();
                assertThat(bought.get("status").asText()).isEqualTo("provisioning");
                assertThat(fake.calls("POST", "/vm-loso")).hasSize(1);
                assertThat(round).as("the round waits for its share").isNotDone();
                assertThat(fake.calls("GET", "/log/")).as("so nothing is watched yet").isEmpty();
            } finally {
                held.forEach(Handle::close);
            }
            round.get(30, TimeUnit.SECONDS);
            assertThat(fake.calls("GET", "/log/")).as("the round watched it once its share came free").isNotEmpty();
            Market.awaitStatus(app, token, sessionId, "ready");
        }
    }
}
