package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Two nodes selling from one database: capacity and coins hold across them, as within one. */
class MarketplaceTwoNodesTest {

    @DbTest
    void purchasesSpreadOverTwoNodesNeitherOverbookNorOverspend(TestDatabase db) throws Exception {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp a = Market.start(db); TestApp b = Market.start(db)) {
            String worker = Market.worker(a, fake, 5);
            long price = 30;
            String product = Market.product(a, "VPS", price, worker);
            JsonNode user = Market.user(a, "two@example.com", price * 8);
            String token = user.get("token").asText();
            int n = 20;
            CyclicBarrier together = new CyclicBarrier(n);
            ExecutorService pool = Executors.newFixedThreadPool(n);
            List<Future<Http.Response>> answers = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    TestApp node = i % 2 == 0 ? a : b;
                    String key = "k-" + i;
                    answers.add(pool.submit(() -> {
                        together.await();
                        return Market.purchase(node, token, key, product);
                    }));
                }
                int created = 0;
                for (Future<Http.Response> f : answers) {
                    Http.Response r = f.get(120, TimeUnit.SECONDS);
                    assertThat(r.status()).as(r.body()).isIn(201, 402, 503);
                    created += r.status() == 201 ? 1 : 0;
                }
                assertThat(created).isEqualTo(5);
            } finally {
                pool.shutdownNow();
            }
            assertThat(Market.activeSessions(b, worker)).isEqualTo(5);
            assertThat(Market.balance(b, user.get("id").asText())).isEqualTo(price * 3);
            assertThat(Market.sumOfDeltas(a, user.get("id").asText())).isEqualTo(price * 3);
            assertThat(Market.entriesWithOp(a, user.get("id").asText(), "purchase")).hasSize(5);
        }
    }
}
