package dev.vectis.sessions;

import dev.vectis.billing.Ledger;
import dev.vectis.error.NotFoundException;
import dev.vectis.error.UnavailableException;
import dev.vectis.error.VectisException;
import dev.vectis.workers.WorkerState;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;

/**
 * The purchase's transaction: balance check, debit, session row on the least-loaded worker,
 * then the slot. The slot is taken by a conditional update that only succeeds below
 * max_sessions, so concurrent purchases on any number of nodes cannot overbook; the debit goes
 * through the ledger's locked row, so they cannot overspend. Purchases made at the same time
 * each take a different worker's row where they can, so they commit side by side rather than
 * one after another on the least-loaded worker.
 */
final class Placement {

    private static final String ROOM = WorkerState.takesWork("w") + " AND w.active_sessions < COALESCE(w.max_sessions, 3)";
    private static final String ORDER = "w.active_sessions, COALESCE(w.last_assigned_at, 0), w.id";
    /** Workers tried for a free row before waiting on the first; more rarely helps. */
    private static final int TRIES = 16;

    /** Where the session went, and what to ask that worker for. */
    record Placed(VpsSession session, String baseUrl, int action) {

        String sessionId() {
            return session.id();
        }

        String workerId() {
            return session.workerId();
        }
    }

    /** The chosen worker filled up after it was read: the transaction is rolled back and placed again without it. */
    static final class WorkerFull extends RuntimeException {
        final String workerId;

        WorkerFull(String workerId) {
            super(null, null, false, false);
            this.workerId = workerId;
        }
    }

    private record Worker(String id, String baseUrl) {
    }

    private Placement() {
    }

    /**
     * Debits the user, whose row the caller locked ({@code balance}), and writes the session on a
     * worker with room, never one in {@code full} or one that {@code refusing} names (its breaker
     * is open on this node, so asking it for the VM would fail at once); throws 402, 404 or 503
     * with nothing changed. The slot is not yet taken: the caller adds what else belongs to the
     * transaction, then calls {@link #takeSlot}.
     */
    static Placed place(Handle h, String sessionId, String userId, long balance, String productId, String requestId,
                        long now, Predicate<String> refusing, Set<String> full) {
        Object[] product = h.createQuery("SELECT price_coins, is_active, provision_action, name FROM vps_products "
                        + "WHERE id = :p")
                .bind("p", productId).map((rs, ctx) -> new Object[] {rs.getLong(1), rs.getBoolean(2), rs.getInt(3),
                        rs.getString(4)})
                .findOne().orElseThrow(() -> new NotFoundException("PRODUCT_NOT_FOUND", "Product not found"));
        long price = (Long) product[0];
        if (!(Boolean) product[1]) {
            throw new NotFoundException("PRODUCT_NOT_FOUND", "Product not found");
        }
        if (balance < price) {
            throw new VectisException(VectisException.Kind.PAYMENT_REQUIRED, "INSUFFICIENT_COINS",
                    "Insufficient coins: the price is " + price + " and the balance is " + balance);
        }
        Worker worker = choose(h, productId, refusing, full);
        VpsSession session = SessionStore.insert(h, sessionId, userId, productId, (String) product[3], worker.id(),
                price, now);
        Ledger.apply(h, userId, balance, -price,
                new Ledger.Cause("purchase", "VPS session " + sessionId, "user:" + userId, requestId, sessionId), now);
        return new Placed(session, worker.baseUrl(), (Integer) product[2]);
    }

    /**
     * The placed session's slot, last in its transaction; {@link WorkerFull} when another
     * purchase took the last one since the worker was chosen.
     */
    static void takeSlot(Handle h, Placed placed, long now) {
        int taken = h.createUpdate("UPDATE workers SET active_sessions = active_sessions + 1, "
                        + "last_assigned_at = :now WHERE id = :id AND " + WorkerState.takesWork("workers") + " "
                        + "AND active_sessions < COALESCE(max_sessions, 3)")
                .bind("id", placed.workerId()).bind("now", now).execute();
        if (taken != 1) {
            throw new WorkerFull(placed.workerId());
        }
    }

    /**
     * Fewest active sessions first, then least recently used; of those, the first whose row no
     * other purchase holds. Purchases made at once would otherwise all choose the same worker
     * and queue on its row, one commit after another; a worker every other purchase holds is
     * still chosen, and its slot then waits for them.
     */
    private static Worker choose(Handle h, String productId, Predicate<String> refusing, Set<String> full) {
        boolean skipped = false;
        List<Worker> eligible = new ArrayList<>();
        for (Worker w : h.createQuery("SELECT w.id, w.base_url FROM workers w JOIN vps_product_workers pw "
                        + "ON pw.worker_id = w.id WHERE pw.product_id = :p AND " + ROOM + " "
                        + "AND w.base_url IS NOT NULL ORDER BY " + ORDER)
                .bind("p", productId).map((rs, ctx) -> new Worker(rs.getString(1), rs.getString(2))).list()) {
            if (full.contains(w.id())) {
                continue;
            }
            if (refusing.test(w.id())) {
                skipped = true;
                continue;
            }
            eligible.add(w);
        }
        if (eligible.isEmpty()) {
            throw new UnavailableException("NO_CAPACITY", skipped
                    ? "Every worker for this product with room is failing to answer; try again later"
                    : "Every worker for this product is full; try again later");
        }
        if (eligible.size() == 1) {
            return eligible.get(0);
        }
        // One by one, not ORDER BY ... LIMIT 1 SKIP LOCKED: H2 applies the LIMIT before skipping.
        for (Worker w : eligible.subList(0, Math.min(TRIES, eligible.size()))) {
            if (h.createQuery("SELECT w.id FROM workers w WHERE w.id = :id AND " + ROOM + " FOR UPDATE SKIP LOCKED")
                    .bind("id", w.id()).mapTo(String.class).findOne().isPresent()) {
                return w;
            }
        }
        return eligible.get(0);
    }

}
