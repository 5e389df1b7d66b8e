package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.testing.DbTest;
import dev.vectis.testing.HoldsTransactionsOpen;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.UUID;

/** However many sessions wait for an operator, every other provisioning VM is still watched. */
@HoldsTransactionsOpen
class MarketplaceManySessionsTest {

    @DbTest
    void hundredsOfSessionsKeptForAnOperatorDoNotStarveANewOne(TestDatabase db) {
        try (FakeVmWorker stuck = FakeVmWorker.start("stuck"); FakeVmWorker healthy = FakeVmWorker.start();
             TestApp app = Market.start(db)) {
            stuck.style = FakeVmWorker.Style.WINDOWS;
            stuck.lineEvery = Duration.ofHours(1); // its logs never get past their first line
            String stuckWorker = Market.worker(app, stuck, 1000);
            String stuckProduct = Market.product(app, "Stuck", 1, stuckWorker);
            String owner = Market.user(app, "many@example.com", 0).get("id").asText();
            int kept = 250;
            // Sessions an operator was asked to look at, older than anything else: the first
            // to be found by a round that only looks at the oldest few hundred.
            app.app().database().jdbi().useTransaction(h -> {
                for (int i = 0; i < kept; i++) {
                    h.createUpdate("INSERT INTO vps_sessions (id, user_id, product_id, worker_id, status, route, "
                                    + "price_coins, holds_slot, created_at, updated_at, requested_at, flagged_at) "
                                    + "VALUES (:id, :u, :p, :w, 'provisioning', :route, 1, TRUE, 1, 1, 1, 1)")
                            .bind("id", UUID.randomUUID().toString()).bind("u", owner).bind("p", stuckProduct)
                            .bind("w", stuckWorker).bind("route", "kept-" + i).execute();
                }
                h.createUpdate("UPDATE workers SET active_sessions = :n WHERE id = :w")
                        .bind("n", kept).bind("w", stuckWorker).execute();
            });

            String productId = Market.product(app, "Healthy", 10, Market.worker(app, healthy, 3));
            String token = Market.user(app, "new@example.com", 10).get("token").asText();
            String sessionId = Market.bought(app, token, "k", productId).get("id").asText();
            assertThat(Market.awaitStatus(app, token, sessionId, "ready").get("status").asText()).isEqualTo("ready");
        }
    }
}
