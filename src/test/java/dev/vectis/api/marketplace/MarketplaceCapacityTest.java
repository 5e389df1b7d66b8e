package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Concurrent purchases never overbook a worker, and only the purchases that got a slot are charged. */
class MarketplaceCapacityTest {

    @DbTest
    void fiftyConcurrentPurchasesAgainstACapacityOfTen(TestDatabase db) throws Exception {
        try (FakeVmWorker a = FakeVmWorker.start("a"); FakeVmWorker b = FakeVmWorker.start("b");
             TestApp app = Market.start(db)) {
            String wa = Market.worker(app, a, 4);
            String wb = Market.worker(app, b, 6);
            long price = 25;
            String productId = Market.product(app, "VPS", price, wa, wb);
            int n = 50;
            List<JsonNode> users = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                users.add(Market.user(app, "cap" + i + "@example.com", price));
            }

            CyclicBarrier together = new CyclicBarrier(n);
            ExecutorService pool = Executors.newFixedThreadPool(n);
            List<Future<Http.Response>> futures = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    String token = users.get(i).get("token").asText();
                    String key = "cap-key-" + i;
                    futures.add(pool.submit(() -> {
                        together.await();
                        return Market.purchase(app, token, key, productId);
                    }));
                }
                int created = 0;
                int full = 0;
                Set<String> sessionIds = new HashSet<>();
                Set<String> winners = new HashSet<>();
                for (int i = 0; i < n; i++) {
                    Http.Response r = futures.get(i).get(120, TimeUnit.SECONDS);
                    if (r.status() == 201) {
                        created++;
                        sessionIds.add(r.json().get("id").asText());
                        winners.add(users.get(i).get("id").asText());
                    } else {
                        assertThat(r.status()).as("a refused purchase: %s", r.body()).isEqualTo(503);
                        assertThat(r.json().get("error").asText()).isEqualTo("no_capacity");
                        full++;
                    }
                }
                assertThat(created).as("exactly the capacity succeeds").isEqualTo(10);
                assertThat(full).isEqualTo(40);
                assertThat(sessionIds).hasSize(10);

                assertThat(Market.count(app, "SELECT COUNT(*) FROM ledger_entries WHERE op = 'purchase'"))
                        .as("exactly 10 debits").isEqualTo(10);
                assertThat(Market.count(app, "SELECT COUNT(*) FROM vps_sessions")).isEqualTo(10);
                for (JsonNode u : users) {
                    String id = u.get("id").asText();
                    long expected = winners.contains(id) ? 0 : price;
                    assertThat(Market.balance(app, id)).as("balance of %s", u.get("email").asText()).isEqualTo(expected);
                    assertThat(Market.sumOfDeltas(app, id)).isEqualTo(expected);
                }
                int na = Market.activeSessions(app, wa);
                int nb = Market.activeSessions(app, wb);
                assertThat(na).as("worker a").isLessThanOrEqualTo(4);
                assertThat(nb).as("worker b").isLessThanOrEqualTo(6);
                assertThat(na + nb).isEqualTo(10);
                assertThat(Market.count(app, "SELECT COUNT(*) FROM vps_sessions WHERE worker_id = ?", wa)).isEqualTo(na);
                assertThat(Market.count(app, "SELECT COUNT(*) FROM vps_sessions WHERE worker_id = ?", wb)).isEqualTo(nb);
                assertThat(a.calls("POST", "/vm-loso")).hasSize(na);
                assertThat(b.calls("POST", "/vm-loso")).hasSize(nb);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @DbTest
    void oneUserWithManyKeysCannotOverbookOrOverspend(TestDatabase db) throws Exception {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            String workerId = Market.worker(app, fake, 5);
            String productId = Market.product(app, "VPS", 10, workerId);
            JsonNode user = Market.user(app, "many@example.com", 30);
            String token = user.get("token").asText();
            int n = 20;
            CyclicBarrier together = new CyclicBarrier(n);
            ExecutorService pool = Executors.newFixedThreadPool(n);
            List<Future<Http.Response>> futures = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    String key = "many-" + i;
                    futures.add(pool.submit(() -> {
                        together.await();
                        return Market.purchase(app, token, key, productId);
                    }));
                }
                int created = 0;
                for (Future<Http.Response> f : futures) {
                    Http.Response r = f.get(120, TimeUnit.SECONDS);
                    assertThat(r.status()).as(r.body()).isIn(201, 402, 503);
                    if (r.status() == 201) {
                        created++;
                    } else if (r.status() == 402) {
                        assertThat(r.json().get("error").asText()).isEqualTo("insufficient_coins");
                    }
                }
                assertThat(created).as("30 coins buy three 10-coin sessions").isEqualTo(3);
                String id = user.get("id").asText();
                assertThat(Market.balance(app, id)).isZero();
                assertThat(Market.sumOfDeltas(app, id)).isZero();
                assertThat(Market.activeSessions(app, workerId)).isEqualTo(3);
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
