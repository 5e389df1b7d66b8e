package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.testing.DbTest;
import dev.vectis.testing.HoldsTransactionsOpen;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;

/**
 * Purchases made at once do not queue on the least-loaded worker's row: while another
 * transaction holds that row, a purchase is placed on the next worker with room, at once.
 */
@HoldsTransactionsOpen
class MarketplaceSpreadTest {

    @DbTest
    void aPurchaseTakesTheNextWorkerWhileTheLeastLoadedOneIsHeld(TestDatabase db) throws Exception {
        try (FakeVmWorker a = FakeVmWorker.start("a"); FakeVmWorker b = FakeVmWorker.start("b");
             TestApp app = Market.start(db)) {
            String wa = Market.worker(app, a, 10);
            String wb = Market.worker(app, b, 10);
            String productId = Market.product(app, "VPS", 5, wa, wb);
            String token = Market.user(app, "spread@example.com", 100).get("token").asText();
            // Both are empty; the least recently used one (never used: 0) with the smaller id comes first.
            String first = wa.compareTo(wb) < 0 ? wa : wb;
            String second = first.equals(wa) ? wb : wa;

            try (Handle holder = app.app().database().jdbi().open()) {
                holder.begin();
                holder.createQuery("SELECT id FROM workers WHERE id = :id FOR UPDATE").bind("id", first)
                        .mapTo(String.class).one();
                Http.Response r = CompletableFuture.supplyAsync(() -> Market.purchase(app, token, "spread-1", productId))
                        .get(30, TimeUnit.SECONDS);
                assertThat(r.status()).as(r.body()).isEqualTo(201);
                String sessionId = r.json().get("id").asText();
                assertThat(Market.adminSession(app, sessionId).path("worker_id").asText()).isEqualTo(second);
                holder.rollback();
            }
            assertThat(Market.activeSessions(app, second)).isEqualTo(1);
            assertThat(Market.activeSessions(app, first)).isZero();
            // With nothing held, placement is least-loaded first again.
            Http.Response next = Market.purchase(app, token, "spread-2", productId);
            assertThat(next.status()).as(next.body()).isEqualTo(201);
            assertThat(Market.adminSession(app, next.json().get("id").asText()).path("worker_id").asText())
                    .isEqualTo(first);
        }
    }
}
