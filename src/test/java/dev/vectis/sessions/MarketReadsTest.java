package dev.vectis.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.db.Database;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.TestDatabase;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The marketplace's background reads of VM workers and of a worker's held slots read those
 * rows only, not every gateway worker or every session ever sold: their cost must not grow
 * with the fleet or the sales.
 */
class MarketReadsTest {

    private static final int MANY = 20_000;

    @DbTest
    void vmWorkersAndHeldSlotsAreReadWithoutScanningTheirTables(TestDatabase db) {
        try (Database database = db.open()) {
            database.jdbi().useHandle(h -> {
                String series = db.isPostgres() ? "generate_series(1, " + MANY + ") AS x"
                        : "SYSTEM_RANGE(1, " + MANY + ") AS t(x)";
                h.execute("INSERT INTO workers (id, enrolled_via, online, last_seen_at, created_at, updated_at) "
                        + "SELECT 'gw-' || x, 'gateway', FALSE, 0, 0, 0 FROM " + series);
                for (String vm : List.of("vm-a", "vm-b")) {
                    h.execute("INSERT INTO workers (id, enrolled_via, name, base_url, max_sessions, online, "
                            + "last_seen_at, created_at, updated_at) VALUES (?, 'marketplace', ?, "
                            + "'http://127.0.0.1:9', 1000, FALSE, 0, 0, 0)", vm, vm);
                }
                h.execute("INSERT INTO users (id, email, email_lower, name, coins, created_at, updated_at) "
                        + "VALUES ('u1', 'u1@example.invalid', 'u1@example.invalid', 'U', 0, 0, 0)");
                h.execute("INSERT INTO vps_products (id, name, price_coins, provision_action, is_active, created_at, "
                        + "updated_at) VALUES ('p1', 'P', 1, 2, TRUE, 0, 0)");
                // Every session ever sold on vm-a, all ended but one.
                h.execute("INSERT INTO vps_sessions (id, user_id, product_id, worker_id, status, price_coins, "
                        + "holds_slot, created_at, updated_at) SELECT 's-' || x, 'u1', 'p1', 'vm-a', 'deleted', 1, "
                        + "FALSE, x, x FROM " + series);
                h.execute("INSERT INTO vps_sessions (id, user_id, product_id, worker_id, status, route, price_coins, "
                        + "holds_slot, created_at, updated_at) VALUES ('live', 'u1', 'p1', 'vm-a', 'ready', 'r1', 1, "
                        + "TRUE, 0, 0)");
                h.execute(db.isPostgres() ? "ANALYZE workers, vps_sessions" : "ANALYZE");
            });
            List<String[]> vms = database.jdbi().withHandle(SessionStore::vmWorkers);
            assertThat(vms).extracting(w -> w[0]).containsExactly("vm-a", "vm-b");
            List<String[]> held = database.jdbi().withHandle(h -> SessionStore.holding(h, "vm-a"));
            assertThat(held).extracting(s -> s[0] + "@" + s[1]).containsExactly("live@r1");
            if (db.isPostgres()) {
                // H2 has no partial indexes; its embedded single node scans.
                String vmPlan = database.jdbi().withHandle(h -> plan(h, SessionStore.VM_WORKERS));
                assertThat(vmPlan).contains("workers_vm").doesNotContain("Seq Scan");
                String heldPlan = database.jdbi().withHandle(h -> plan(h, SessionStore.HOLDING.replace(":w", "'vm-a'")));
                assertThat(heldPlan).contains("vps_sessions_held").doesNotContain("Seq Scan");
            }
        }
    }

    private static String plan(Handle h, String sql) {
        return String.join("\n", h.createQuery("EXPLAIN " + sql).mapTo(String.class).list());
    }
}
