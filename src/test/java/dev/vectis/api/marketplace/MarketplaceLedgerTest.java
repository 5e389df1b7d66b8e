package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** The coin ledger: validation, no overdraft, set as a delta, history newest first, and concurrency. */
class MarketplaceLedgerTest {

    static String patchBody(String op, String amountJson) {
        return "{" + (op == null ? "" : "\"op\":\"" + op + "\",") + "\"amount\":" + amountJson + "}";
    }

    static Http.Response patch(TestApp app, String userId, String body) {
        return app.http.method("PATCH", "/admin/users/" + userId + "/coins", body, TestApp.admin()[0],
                TestApp.admin()[1], "Content-Type", "application/json");
    }

    @DbTest
    void amountMustBeAnIntegerAboveZero(TestDatabase db) {
        try (TestApp app = Market.start(db)) {
            String id = Market.user(app, "amount@example.com", 100).get("id").asText();
            for (String op : List.of("add", "sub", "set")) {
                for (String amount : List.of("0", "-5", "1.5", "\"ten\"", "\"10\"", "null", "true", "[]")) {
                    Http.Response r = patch(app, id, patchBody(op, amount));
                    assertThat(r.status()).as("%s %s: %s", op, amount, r.body()).isEqualTo(400);
                    assertThat(r.json().get("field").asText()).as("%s %s names the field", op, amount)
                            .isEqualTo("amount");
                    assertThat(r.json().get("message").asText()).contains("amount");
                }
            }
            Http.Response missing = patch(app, id, "{\"op\":\"add\"}");
            assertThat(missing.status()).isEqualTo(400);
            assertThat(missing.json().get("field").asText()).isEqualTo("amount");
            assertThat(Market.balance(app, id)).as("nothing changed").isEqualTo(100);
            assertThat(Market.ledger(app, id)).as("only the initial entry").hasSize(1);
        }
    }

    @DbTest
    void unknownOpIs400NamingOpAndUnknownUserIs404(TestDatabase db) {
        try (TestApp app = Market.start(db)) {
            String id = Market.user(app, "op@example.com", 100).get("id").asText();
            for (String body : List.of("{\"op\":\"mul\",\"amount\":5}", "{\"amount\":5}", "{\"op\":\"ADD\",\"amount\":5}",
                    "{\"op\":\"\",\"amount\":5}", "{\"op\":5,\"amount\":5}")) {
                Http.Response r = patch(app, id, body);
                assertThat(r.status()).as("%s: %s", body, r.body()).isEqualTo(400);
                assertThat(r.json().get("field").asText()).as(body).isEqualTo("op");
            }
            Http.Response notJson = patch(app, id, "{\"op\":");
            assertThat(notJson.status()).isEqualTo(400);

            Http.Response unknown = patch(app, "00000000-0000-0000-0000-000000000000", "{\"op\":\"add\",\"amount\":5}");
            assertThat(unknown.status()).as(unknown.body()).isEqualTo(404);
            assertThat(unknown.json().get("error").asText()).isEqualTo("user_not_found");
            assertThat(app.http.get("/admin/users/00000000-0000-0000-0000-000000000000/ledger", TestApp.admin())
                    .status()).isEqualTo(404);
            assertThat(app.http.get("/admin/users/00000000-0000-0000-0000-000000000000", TestApp.admin()).status())
                    .isEqualTo(404);
            assertThat(Market.balance(app, id)).isEqualTo(100);
        }
    }

    @DbTest
    void subBeyondTheBalanceIs409AndChangesNothing(TestDatabase db) throws Exception {
        try (TestApp app = Market.start(db)) {
            String id = Market.user(app, "poor@example.com", 100).get("id").asText();
            Http.Response r = Market.coins(app, id, "sub", 101, "too much");
            assertThat(r.status()).as(r.body()).isEqualTo(409);
            assertThat(r.json().get("error").asText()).isEqualTo("insufficient_coins");
            assertThat(Market.balance(app, id)).as("no clamping: the balance is unchanged").isEqualTo(100);
            assertThat(Market.ledger(app, id)).hasSize(1);

            Http.Response exact = Market.coins(app, id, "sub", 100, "all of it");
            assertThat(exact.status()).as(exact.body()).isEqualTo(200);
            assertThat(exact.json().get("coins").asLong()).isZero();
            Http.Response fromZero = Market.coins(app, id, "sub", 1, null);
            assertThat(fromZero.status()).isEqualTo(409);
            assertThat(fromZero.json().get("error").asText()).isEqualTo("insufficient_coins");
            assertThat(Market.balance(app, id)).isZero();
            assertThat(Market.sumOfDeltas(app, id)).isZero();

            List<String> events = app.app().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT data FROM events WHERE type = 'user.coins' ORDER BY id").mapTo(String.class).list());
            assertThat(events).as("one event for the change made, none for those refused").hasSize(1);
            JsonNode event = new com.fasterxml.jackson.databind.ObjectMapper().readTree(events.get(0));
            assertThat(event.get("userId").asText()).isEqualTo(id);
            assertThat(event.get("op").asText()).isEqualTo("sub");
            assertThat(event.get("delta").asLong()).isEqualTo(-100);
            assertThat(event.get("balance").asLong()).isZero();
        }
    }

    @DbTest
    void setIsStoredAsItsDelta(TestDatabase db) {
        try (TestApp app = Market.start(db)) {
            String id = Market.user(app, "set@example.com", 300).get("id").asText();
            Http.Response down = Market.coins(app, id, "set", 120, "Reset balance");
            assertThat(down.status()).isEqualTo(200);
            Http.Response up = Market.coins(app, id, "set", 1000, null);
            assertThat(up.status()).isEqualTo(200);

            List<JsonNode> entries = Market.ledger(app, id);
            assertThat(entries).hasSize(3);
            JsonNode newest = entries.get(0);
            assertThat(newest.get("op").asText()).isEqualTo("set");
            assertThat(newest.get("delta").asLong()).isEqualTo(880);
            assertThat(newest.get("balance_after").asLong()).isEqualTo(1000);
            JsonNode middle = entries.get(1);
            assertThat(middle.get("op").asText()).isEqualTo("set");
            assertThat(middle.get("delta").asLong()).isEqualTo(-180);
            assertThat(middle.get("balance_after").asLong()).isEqualTo(120);
            assertThat(middle.get("reason").asText()).isEqualTo("Reset balance");
            assertThat(entries.get(2).get("delta").asLong()).as("the initial balance is an entry too").isEqualTo(300);
            long deltas = app.app().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT delta FROM ledger_entries WHERE user_id = :u AND op = 'set' ORDER BY id").bind("u", id)
                    .mapTo(Long.class).list()).stream().mapToLong(Long::longValue).sum();
            assertThat(deltas).isEqualTo(700);
            assertThat(Market.sumOfDeltas(app, id)).isEqualTo(1000);
        }
    }

    @DbTest
    void ledgersAreNewestFirstAndPaginated(TestDatabase db) {
        try (TestApp app = Market.start(db)) {
            JsonNode user = Market.user(app, "pages@example.com", 0);
            String id = user.get("id").asText();
            String token = user.get("token").asText();
            for (int i = 1; i <= 7; i++) {
                assertThat(Market.coins(app, id, "add", i, "step " + i).status()).isEqualTo(200);
            }
            for (String base : List.of("/admin/users/" + id + "/ledger", "/me/ledger")) {
                String[] auth = base.startsWith("/me") ? Market.bearer(token) : TestApp.admin();
                List<Long> amounts = new ArrayList<>();
                List<Long> ids = new ArrayList<>();
                String cursor = null;
                int pages = 0;
                do {
                    Http.Response r = app.http.get(base + "?limit=3" + (cursor == null ? "" : "&cursor=" + cursor), auth);
                    assertThat(r.status()).as("%s: %s", base, r.body()).isEqualTo(200);
                    JsonNode page = r.json();
                    assertThat(page.get("entries").size()).isLessThanOrEqualTo(3);
                    page.get("entries").forEach(e -> {
                        amounts.add(e.get("delta").asLong());
                        ids.add(e.get("id").asLong());
                        assertThat(e.get("user_id").asText()).isEqualTo(id);
                    });
                    cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
                    pages++;
                } while (cursor != null && pages < 10);
                assertThat(pages).as("%s: 7 entries in pages of 3", base).isEqualTo(3);
                assertThat(amounts).as("%s newest first", base).containsExactly(7L, 6L, 5L, 4L, 3L, 2L, 1L);
                assertThat(ids).isSortedAccordingTo((a, b) -> Long.compare(b, a)).doesNotHaveDuplicates();
            }
            Http.Response all = app.http.get("/me/ledger", Market.bearer(token));
            assertThat(all.json().get("entries")).hasSize(7);
            assertThat(all.json().get("next_cursor").isNull()).isTrue();
            assertThat(app.http.get("/me/ledger?limit=0", Market.bearer(token)).status()).isEqualTo(400);
            assertThat(app.http.get("/me/ledger?cursor=abc", Market.bearer(token)).status()).isEqualTo(400);

            // Another user's ledger is not reachable through /me.
            String other = Market.user(app, "other@example.com", 5).get("token").asText();
            Http.Response others = app.http.get("/me/ledger", Market.bearer(other));
            assertThat(others.json().get("entries")).hasSize(1);
            assertThat(others.body()).doesNotContain(id);
        }
    }

    @DbTest
    void thirtyTwoThreadsOfMixedOpsKeepTheLedgerExact(TestDatabase db) throws Exception {
        try (TestApp app = Market.start(db)) {
            String id = Market.user(app, "busy@example.com", 100).get("id").asText();
            int threads = 32;
            int opsPerThread = 8;
            CyclicBarrier together = new CyclicBarrier(threads);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<int[]>> results = new ArrayList<>();
            try {
                for (int t = 0; t < threads; t++) {
                    long seed = t;
                    results.add(pool.submit(() -> {
                        Random random = new Random(seed);
                        int ok = 0;
                        int refused = 0;
                        together.await();
                        for (int i = 0; i < opsPerThread; i++) {
                            Http.Response r;
                            if (i == 0) {
                                // Always beyond any reachable balance: must be refused.
                                r = Market.coins(app, id, "sub", 1_000_000_000L, "overdraw");
                            } else {
                                int kind = random.nextInt(10);
                                if (kind < 4) {
                                    r = Market.coins(app, id, "add", 1 + random.nextInt(60), "t" + seed);
                                } else if (kind < 8) {
                                    r = Market.coins(app, id, "sub", 1 + random.nextInt(120), "t" + seed);
                                } else {
                                    r = Market.coins(app, id, "set", 1 + random.nextInt(80), "t" + seed);
                                }
                            }
                            if (r.status() == 200) {
                                ok++;
                                assertThat(r.json().get("coins").asLong()).isNotNegative();
                            } else {
                                assertThat(r.status()).as("only 409 may refuse: %s", r.body()).isEqualTo(409);
                                assertThat(r.json().get("error").asText()).isEqualTo("insufficient_coins");
                                refused++;
                            }
                        }
                        return new int[] {ok, refused};
                    }));
                }
                int ok = 0;
                int refused = 0;
                for (Future<int[]> f : results) {
                    int[] r = f.get(120, TimeUnit.SECONDS);
                    ok += r[0];
                    refused += r[1];
                }
                assertThat(ok + refused).isEqualTo(threads * opsPerThread);
                assertThat(refused).as("some subs were refused").isGreaterThanOrEqualTo(threads);

                long balance = Market.balance(app, id);
                assertThat(balance).isNotNegative();
                assertThat(Market.sumOfDeltas(app, id)).as("balance == sum of deltas").isEqualTo(balance);

                List<long[]> rows = app.app().database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT delta, balance_after FROM ledger_entries WHERE user_id = :u ORDER BY id")
                        .bind("u", id).map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)}).list());
                assertThat(rows).as("one entry per accepted op plus the initial balance").hasSize(ok + 1);
                long running = 0;
                for (int i = 0; i < rows.size(); i++) {
                    long[] row = rows.get(i);
                    assertThat(row[1]).as("entry %d balance_after", i).isNotNegative();
                    assertThat(row[1]).as("entry %d chains from the previous one", i).isEqualTo(running + row[0]);
                    running = row[1];
                }
                assertThat(running).as("the last entry's balance_after is the balance").isEqualTo(balance);
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
