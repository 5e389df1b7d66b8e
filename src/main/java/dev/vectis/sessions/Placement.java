package dev.vectis.sessions;

import dev.vectis.billing.Ledger;
import dev.vectis.error.NotFoundException;
import dev.vectis.error.UnavailableException;
import dev.vectis.error.VectisException;
import java.util.List;
import java.util.function.Predicate;
import org.jdbi.v3.core.Handle;

/**
 * The purchase's one transaction: balance check, slot reservation on the least-loaded
 * worker, debit, session row. The slot is taken by a conditional update that only
 * succeeds below max_sessions, so concurrent purchases on any number of nodes cannot
 * overbook; the debit goes through the ledger's locked row, so they cannot overspend.
 */
final class Placement {

    private Placement() {
    }

    /**
     * Returns the chosen worker, never one that {@code refusing} names (its breaker is open on
     * this node, so asking it for the VM would fail at once); throws 402, 404 or 503 with nothing changed.
     */
    static String place(Handle h, String sessionId, String userId, String productId, String requestId, long now,
                        Predicate<String> refusing) {
        Object[] product = h.createQuery("SELECT price_coins, is_active FROM vps_products WHERE id = :p")
                .bind("p", productId).map((rs, ctx) -> new Object[] {rs.getLong(1), rs.getBoolean(2)}).findOne()
                .orElseThrow(() -> new NotFoundException("PRODUCT_NOT_FOUND", "Product not found"));
        long price = (Long) product[0];
        if (!(Boolean) product[1]) {
            throw new NotFoundException("PRODUCT_NOT_FOUND", "Product not found");
        }
        long balance = Ledger.lockBalance(h, userId);
        if (balance < price) {
            throw new VectisException(VectisException.Kind.PAYMENT_REQUIRED, "INSUFFICIENT_COINS",
                    "Insufficient coins: the price is " + price + " and the balance is " + balance);
        }
        String worker = reserveSlot(h, productId, now, refusing);
        SessionStore.insert(h, sessionId, userId, productId, worker, price, now);
        Ledger.apply(h, userId, balance, -price,
                new Ledger.Cause("purchase", "VPS session " + sessionId, "user:" + userId, requestId, sessionId), now);
        return worker;
    }

    /** Fewest active sessions first, then least recently used; the first conditional update that succeeds wins. */
    private static String reserveSlot(Handle h, String productId, long now, Predicate<String> refusing) {
        List<String> candidates = h.createQuery("SELECT w.id FROM workers w JOIN vps_product_workers pw "
                        + "ON pw.worker_id = w.id WHERE pw.product_id = :p AND w.status = 'active' "
                        + "AND w.base_url IS NOT NULL AND w.active_sessions < COALESCE(w.max_sessions, 3) "
                        + "ORDER BY w.active_sessions, COALESCE(w.last_assigned_at, 0), w.id")
                .bind("p", productId).mapTo(String.class).list();
        boolean skipped = false;
        for (String id : candidates) {
            if (refusing.test(id)) {
                skipped = true;
                continue;
            }
            int taken = h.createUpdate("UPDATE workers SET active_sessions = active_sessions + 1, "
                            + "last_assigned_at = :now WHERE id = :id AND status = 'active' "
                            + "AND active_sessions < COALESCE(max_sessions, 3)")
                    .bind("id", id).bind("now", now).execute();
            if (taken == 1) {
                return id;
            }
        }
        throw new UnavailableException("NO_CAPACITY", skipped
                ? "Every worker for this product with room is failing to answer; try again later"
                : "Every worker for this product is full; try again later");
    }
}
