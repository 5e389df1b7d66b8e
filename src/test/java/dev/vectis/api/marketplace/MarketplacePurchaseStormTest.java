package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A hundred purchases at once, with less capacity than buyers and less money than wishes, some
 * sent twice with the same key: no error, no worker over its cap, no balance below zero or apart
 * from its ledger, no key charged twice.
 */
class MarketplacePurchaseStormTest {

    private static final long PRICE = 10;
    private static final int USERS = 30;

    private record Sent(int user, String key, Http.Response response) {
    }

    @DbTest
    void aHundredConcurrentPurchasesKeepEveryLimit(TestDatabase db) throws Exception {
        try (FakeVmWorker a = FakeVmWorker.start("a"); FakeVmWorker b = FakeVmWorker.start("b");
             TestApp app = Market.start(db)) {
            String wa = Market.worker(app, a, 12);
            String wb = Market.worker(app, b, 8);
            String productId = Market.product(app, "VPS", PRICE, wa, wb);
            List<JsonNode> users = new ArrayList<>();
            for (int i = 0; i < USERS; i++) {
                users.add(Market.user(app, "storm" + i + "@example.com", PRICE * (i % 4))); // 0 to 3 purchases' worth
            }

            // Request i is user i % 30's purchase with key i % 80: the last 20 repeat a key already sent.
            int n = 100;
            CyclicBarrier together = new CyclicBarrier(n);
            ExecutorService pool = Executors.newFixedThreadPool(n);
            List<Future<Sent>> futures = new ArrayList<>();
            List<Sent> sent = new ArrayList<>();
            try {
                for (int i = 0; i < n; i++) {
                    int user = (i % 80) % USERS;
                    String key = "storm-" + (i % 80);
                    String token = users.get(user).get("token").asText();
                    futures.add(pool.submit(() -> {
                        together.await();
                        return new Sent(user, key, Market.purchase(app, token, key, productId));
                    }));
                }
                for (Future<Sent> f : futures) {
                    sent.add(f.get(180, TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
            }

            Map<Integer, Integer> statuses = new TreeMap<>();
            Map<String, String> sessionOfKey = new HashMap<>();
            for (Sent s : sent) {
                Http.Response r = s.response();
                statuses.merge(r.status(), 1, Integer::sum);
                assertThat(r.status()).as("%s: %s", s.key(), r.body()).isIn(201, 402, 409, 503);
                if (r.status() == 201) {
                    String previous = sessionOfKey.put(s.key(), r.json().get("id").asText());
                    assertThat(previous == null || previous.equals(r.json().get("id").asText()))
                            .as("one session for key %s", s.key()).isTrue();
                }
            }
            assertThat(statuses.getOrDefault(201, 0)).as("some purchases succeed: %s", statuses).isPositive();

            int holding = Market.count(app, "SELECT COUNT(*) FROM vps_sessions WHERE holds_slot = TRUE");
            assertThat(holding).as("sessions holding a slot, of 20").isLessThanOrEqualTo(20);
            assertThat(Market.activeSessions(app, wa)).isLessThanOrEqualTo(12)
                    .isEqualTo(Market.count(app, "SELECT COUNT(*) FROM vps_sessions WHERE worker_id = ? "
                            + "AND holds_slot = TRUE", wa));
            assertThat(Market.activeSessions(app, wb)).isLessThanOrEqualTo(8)
                    .isEqualTo(Market.count(app, "SELECT COUNT(*) FROM vps_sessions WHERE worker_id = ? "
                            + "AND holds_slot = TRUE", wb));
            assertThat(a.calls("POST", "/vm-loso").size() + b.calls("POST", "/vm-loso").size())
                    .as("one VM asked for per session")
                    .isEqualTo(Market.count(app, "SELECT COUNT(*) FROM vps_sessions"));

            for (int i = 0; i < USERS; i++) {
                String id = users.get(i).get("id").asText();
                long balance = Market.balance(app, id);
                int purchases = Market.count(app, "SELECT COUNT(*) FROM ledger_entries WHERE user_id = ? "
                        + "AND op = 'purchase'", id);
                int refunds = Market.count(app, "SELECT COUNT(*) FROM ledger_entries WHERE user_id = ? "
                        + "AND op = 'refund'", id);
                assertThat(balance).as("balance of user %d", i).isGreaterThanOrEqualTo(0)
                        .isEqualTo(Market.sumOfDeltas(app, id))
                        .isEqualTo(PRICE * (i % 4 - purchases + refunds));
                assertThat(Market.count(app, "SELECT COUNT(*) FROM vps_sessions WHERE user_id = ?", id))
                        .as("one session per debit of user %d", i).isEqualTo(purchases);
            }
            assertThat(Market.count(app, "SELECT COUNT(*) FROM (SELECT session_id FROM ledger_entries "
                    + "WHERE op = 'purchase' GROUP BY session_id HAVING COUNT(*) > 1) twice"))
                    .as("no session charged twice").isZero();
            assertThat(Market.count(app, "SELECT COUNT(*) FROM vps_sessions s WHERE NOT EXISTS (SELECT 1 "
                    + "FROM idempotency_keys k WHERE k.session_id = s.id)"))
                    .as("every session belongs to the key that bought it").isZero();

            // Each key, sent again now that nothing runs, answers what it bought, and buys nothing more.
            int before = Market.count(app, "SELECT COUNT(*) FROM ledger_entries");
            for (Map.Entry<String, String> e : sessionOfKey.entrySet()) {
                int k = Integer.parseInt(e.getKey().substring("storm-".length()));
                Http.Response again = Market.purchase(app, users.get(k % USERS).get("token").asText(), e.getKey(),
                        productId);
                assertThat(again.status()).as(again.body()).isEqualTo(201);
                assertThat(again.json().get("id").asText()).isEqualTo(e.getValue());
            }
            assertThat(Market.count(app, "SELECT COUNT(*) FROM ledger_entries")).isEqualTo(before);
        }
    }
}
