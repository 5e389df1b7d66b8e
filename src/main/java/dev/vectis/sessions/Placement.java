package dev.vectis.sessions;

import dev.vectis.billing.Ledger;
import dev.vectis.db.Cte;
import dev.vectis.db.Dialect;
import dev.vectis.error.NotFoundException;
import dev.vectis.error.UnavailableException;
import dev.vectis.error.VectisException;
import dev.vectis.workers.WorkerState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
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
    record Placed(VpsSession session, String baseUrl, int action, long balanceAfter, String requestId) {

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

    /** An active product with its workers that have room, in the order they are chosen. */
    private record Offer(long price, int action, String name, List<Worker> workers) {
    }

    private Placement() {
    }

    /**
     * Chooses, for a user whose row the caller locked ({@code balance}), a worker with room, never
     * one in {@code full} or one that {@code refusing} names (its breaker is open on this node,
     * so asking it for the VM would fail at once); throws 402, 404 or 503 with nothing changed.
     * Nothing is written yet: {@link #write} does that.
     */
    static Placed place(Handle h, String sessionId, String userId, long balance, String productId,
                        String requestId, long now, WorkerBreakers breakers, Set<String> full) {
        Offer offer = Dialect.of(h) == Dialect.POSTGRESQL ? firstFree(h, productId, breakers, full) : null;
        if (offer == null || offer.workers().isEmpty()) {
            offer = offer(h, productId);
        }
        if (offer == null) {
            throw new NotFoundException("PRODUCT_NOT_FOUND", "Product not found");
        }
        if (balance < offer.price()) {
            throw new VectisException(VectisException.Kind.PAYMENT_REQUIRED, "INSUFFICIENT_COINS",
                    "Insufficient coins: the price is " + offer.price() + " and the balance is " + balance);
        }
        Worker worker = choose(h, offer.workers(), breakers::refusing, full);
        VpsSession session = SessionStore.pending(sessionId, userId, productId, offer.name(), worker.id(),
                offer.price(), now);
        return new Placed(session, worker.baseUrl(), offer.action(), Ledger.after(balance, -offer.price()), requestId);
    }

    /**
     * The placed session's row, the debit, the session's first events and its slot, the slot
     * last; {@link WorkerFull} when another purchase took the worker's last slot since it was
     * chosen. On PostgreSQL all of it is one statement, so one round trip.
     */
    static void write(Handle h, SessionEvents events, Placed p) {
        VpsSession s = p.session();
        long now = s.createdAt();
        List<Cte> first = new ArrayList<>();
        first.add(SessionStore.inserting(s));
        first.addAll(Ledger.changing(s.userId(), p.balanceAfter(), -s.priceCoins(), new Ledger.Cause("purchase",
                "VPS session " + s.id(), "user:" + s.userId(), p.requestId(), s.id()), now));
        first.addAll(events.writes(s, now));
        Cte slot = new Cte("slot", "UPDATE workers SET active_sessions = active_sessions + 1, last_assigned_at = "
                + ":slot_now WHERE id = :slot_worker AND " + WorkerState.takesWork("workers") + " "
                + "AND active_sessions < COALESCE(max_sessions, 3)",
                st -> st.bind("slot_worker", p.workerId()).bind("slot_now", now));
        if (Cte.together(h, first, slot) != 1) {
            throw new WorkerFull(p.workerId());
        }
    }

    /** One row of {@link #offer}: the product, and one of its workers with room (null: none). */
    private record OfferRow(long price, int action, String name, Worker worker) {
    }

    /**
     * The product and its workers with room in one read (a product with none comes as one row
     * without a worker); null when there is no such active product.
     */
    private static Offer offer(Handle h, String productId) {
        List<OfferRow> rows = h.createQuery("SELECT p.price_coins, p.provision_action, p.name, w.id, w.base_url "
                        + "FROM vps_products p LEFT JOIN vps_product_workers pw ON pw.product_id = p.id "
                        + "LEFT JOIN workers w ON w.id = pw.worker_id AND " + ROOM + " AND w.base_url IS NOT NULL "
                        + "WHERE p.id = :p AND p.is_active ORDER BY " + ORDER)
                .bind("p", productId).map((rs, ctx) -> new OfferRow(rs.getLong(1), rs.getInt(2), rs.getString(3),
                        rs.getString(4) == null ? null : new Worker(rs.getString(4), rs.getString(5)))).list();
        if (rows.isEmpty()) {
            return null;
        }
        OfferRow first = rows.get(0);
        return new Offer(first.price(), first.action(), first.name(),
                rows.stream().map(OfferRow::worker).filter(w -> w != null).toList());
    }

    /**
     * The product and the worker {@link #choose} would most often take, in one read on
     * PostgreSQL: the first in order with room whose row no other transaction holds, neither
     * full nor refused by its breaker, locked for this one. Without one (none has room, every
     * one is held, a breaker refused one) the offer has no worker and {@link #offer} decides,
     * with the reason. Null when there is no such active product. With its one worker, already
     * locked, {@link #choose} asks the database nothing more.
     */
    private static Offer firstFree(Handle h, String productId, WorkerBreakers breakers, Set<String> full) {
        Set<String> skip = new HashSet<>(full);
        skip.addAll(breakers.refusingNow());
        List<OfferRow> rows = h.createQuery("SELECT p.price_coins, p.provision_action, p.name, c.id, c.base_url "
                        + "FROM vps_products p LEFT JOIN LATERAL (SELECT w.id, w.base_url FROM vps_product_workers pw "
                        + "JOIN workers w ON w.id = pw.worker_id WHERE pw.product_id = p.id AND " + ROOM + " AND "
                        + "w.base_url IS NOT NULL AND w.id <> ALL(:skip) ORDER BY " + ORDER + " LIMIT 1 "
                        + "FOR UPDATE OF w SKIP LOCKED) c ON TRUE WHERE p.id = :p AND p.is_active")
                .bind("p", productId).bind("skip", skip.toArray(String[]::new))
                .map((rs, ctx) -> new OfferRow(rs.getLong(1), rs.getInt(2), rs.getString(3),
                        rs.getString(4) == null ? null : new Worker(rs.getString(4), rs.getString(5)))).list();
        if (rows.isEmpty()) {
            return null;
        }
        OfferRow row = rows.get(0);
        return new Offer(row.price(), row.action(), row.name(), row.worker() == null ? List.of() : List.of(row.worker()));
    }

    /**
     * Fewest active sessions first, then least recently used; of those, the first whose row no
     * other purchase holds. Purchases made at once would otherwise all choose the same worker
     * and queue on its row, one commit after another; a worker every other purchase holds is
     * still chosen, and its slot then waits for them.
     */
    private static Worker choose(Handle h, List<Worker> withRoom, Predicate<String> refusing, Set<String> full) {
        boolean skipped = false;
        List<Worker> eligible = new ArrayList<>();
        for (Worker w : withRoom) {
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
        List<Worker> tried = eligible.subList(0, Math.min(TRIES, eligible.size()));
        return free(h, tried).orElse(eligible.get(0));
    }

    /** The first of the workers, in their order, whose row no other transaction holds; locked for this one. */
    private static Optional<Worker> free(Handle h, List<Worker> tried) {
        if (Dialect.of(h) == Dialect.POSTGRESQL) {
            String[] ids = tried.stream().map(Worker::id).toArray(String[]::new);
            return h.createQuery("SELECT w.id FROM workers w WHERE w.id = ANY(:ids) AND " + ROOM + " ORDER BY "
                            + "array_position(:ids, w.id) LIMIT 1 FOR UPDATE SKIP LOCKED")
                    .bind("ids", ids).mapTo(String.class).findOne()
                    .flatMap(id -> tried.stream().filter(w -> w.id().equals(id)).findFirst());
        }
        // One by one on H2, which applies the LIMIT before skipping locked rows.
        for (Worker w : tried) {
            if (h.createQuery("SELECT w.id FROM workers w WHERE w.id = :id AND " + ROOM + " FOR UPDATE SKIP LOCKED")
                    .bind("id", w.id()).mapTo(String.class).findOne().isPresent()) {
                return Optional.of(w);
            }
        }
        return Optional.empty();
    }
}
