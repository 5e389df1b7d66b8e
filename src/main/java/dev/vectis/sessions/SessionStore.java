package dev.vectis.sessions;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** SQL for vps_sessions; every method runs on the caller's handle (and transaction). */
final class SessionStore {

    private static final String SELECT = "SELECT s.*, p.name AS product_name FROM vps_sessions s "
            + "JOIN vps_products p ON p.id = s.product_id ";

    private SessionStore() {
    }

    static Optional<VpsSession> find(Handle h, String id) {
        return h.createQuery(SELECT + "WHERE s.id = :id").bind("id", id).map(SessionStore::row).findOne();
    }

    static Optional<VpsSession> lock(Handle h, String id) {
        h.createQuery("SELECT id FROM vps_sessions WHERE id = :id FOR UPDATE").bind("id", id).mapTo(String.class)
                .findOne();
        return find(h, id);
    }

    static List<VpsSession> ofUser(Handle h, String userId, String beforeId, long beforeCreated, int limit) {
        return h.createQuery(SELECT + "WHERE s.user_id = :u AND s.status <> 'deleted' AND (:before IS NULL "
                        + "OR s.created_at < :created OR (s.created_at = :created AND s.id < :before)) "
                        + "ORDER BY s.created_at DESC, s.id DESC LIMIT :limit")
                .bind("u", userId).bind("before", beforeId).bind("created", beforeCreated).bind("limit", limit)
                .map(SessionStore::row).list();
    }

    static List<String> withStatus(Handle h, String status, int limit) {
        return h.createQuery("SELECT id FROM vps_sessions WHERE status = :st ORDER BY updated_at LIMIT :limit")
                .bind("st", status).bind("limit", limit).mapTo(String.class).list();
    }

    static void insert(Handle h, String id, String userId, String productId, String workerId, long price, long now) {
        h.createUpdate("INSERT INTO vps_sessions (id, user_id, product_id, worker_id, status, price_coins, holds_slot, "
                        + "created_at, updated_at) VALUES (:id, :u, :p, :w, 'pending', :price, TRUE, :now, :now)")
                .bind("id", id).bind("u", userId).bind("p", productId).bind("w", workerId).bind("price", price)
                .bind("now", now).execute();
    }

    static void update(Handle h, String id, String status, String route, String error, long now) {
        h.createUpdate("UPDATE vps_sessions SET status = :st, route = COALESCE(:route, route), "
                        + "error = COALESCE(:error, error), updated_at = :now WHERE id = :id")
                .bind("id", id).bind("st", status).bind("route", route).bind("error", error).bind("now", now).execute();
    }

    /** Frees the session's slot on its worker, once: holds_slot guards against a double release. */
    static void releaseSlot(Handle h, VpsSession s) {
        int released = h.createUpdate("UPDATE vps_sessions SET holds_slot = FALSE WHERE id = :id AND holds_slot = TRUE")
                .bind("id", s.id()).execute();
        if (released == 1 && s.workerId() != null) {
            h.createUpdate("UPDATE workers SET active_sessions = active_sessions - 1 WHERE id = :w AND active_sessions > 0")
                    .bind("w", s.workerId()).execute();
        }
    }

    static String[] workerAddress(Handle h, String workerId) {
        return h.createQuery("SELECT id, base_url FROM workers WHERE id = :w").bind("w", workerId)
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)}).findOne().orElse(null);
    }

    private static VpsSession row(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
            throws java.sql.SQLException {
        return new VpsSession(rs.getString("id"), rs.getString("user_id"), rs.getString("product_id"),
                rs.getString("product_name"), rs.getString("worker_id"), rs.getString("status"), rs.getString("route"),
                rs.getLong("price_coins"), rs.getBoolean("holds_slot"), rs.getString("error"), rs.getLong("created_at"),
                rs.getLong("updated_at"));
    }
}
