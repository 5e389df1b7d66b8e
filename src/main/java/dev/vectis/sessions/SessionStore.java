package dev.vectis.sessions;

import dev.vectis.db.Columns;
import dev.vectis.db.Cte;
import dev.vectis.db.Dialect;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatement;

/** SQL for vps_sessions; every method runs on the caller's handle (and transaction). */
final class SessionStore {

    private static final String COLUMNS = "SELECT s.*, p.name AS product_name ";
    private static final String FROM = "FROM vps_sessions s JOIN vps_products p ON p.id = s.product_id ";
    static final String SELECT = COLUMNS + FROM;
    private static final int MAX_REASON = 1000;
    private static final int MAX_STOP_ERROR = 500;

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

    /**
     * A new pending session holding a slot on its worker, with the intent to ask that worker for
     * the VM: the purchase asks as soon as this commits, and a node that dies before it does
     * leaves the session in doubt, settled by asking the worker. Written by {@link #inserting}.
     */
    static VpsSession pending(String id, String userId, String productId, String productName, String workerId,
                              long price, long now) {
        return new VpsSession(id, userId, productId, productName, workerId, "pending", null, price, true, null, now,
                now, new VpsSession.Watch(null, 0, null, null, null), new VpsSession.Stop(0, null, null),
                new VpsSession.Request(now, null));
    }

    /** A {@link #pending} session's row, as a write that can ride in a larger statement. */
    static Cte inserting(VpsSession s) {
        return new Cte("session", "INSERT INTO vps_sessions (id, user_id, product_id, worker_id, status, price_coins, "
                + "holds_slot, created_at, updated_at, create_sent_at) VALUES (:s_id, :s_user, :s_product, :s_worker, "
                + "'pending', :s_price, TRUE, :s_now, :s_now, :s_now)",
                st -> st.bind("s_id", s.id()).bind("s_user", s.userId()).bind("s_product", s.productId())
                        .bind("s_worker", s.workerId()).bind("s_price", s.priceCoins()).bind("s_now", s.createdAt()));
    }

    /**
     * A new status and why; the provisioning timeout starts when the session first becomes
     * provisioning. Leaving pending settles any doubt about the request, and its flag with it.
     */
    static void update(Handle h, String id, String status, String route, String error, String reason, long now) {
        update(h, "", id, status, route, error, reason, now);
    }

    /** As {@link #update}, only while the session is live (pending, provisioning, ready); true when it was. */
    static boolean updateLive(Handle h, String id, String status, String route, String reason, long now) {
        return update(h, LIVE, id, status, route, null, reason, now) == 1;
    }

    /**
     * As {@link #updateLive}, with the session as it now reads; empty when it was not live. On
     * PostgreSQL the change returns the row, one round trip instead of two.
     */
    static Optional<VpsSession> changeLive(Handle h, String id, String status, String route, String reason,
                                           long now) {
        return changeLive(h, id, status, route, reason, now, null);
    }

    /**
     * As {@link #changeLive}, recording in the same write how many lines the worker's log has
     * (see {@link #logLines}): a log read that finds the VM ready is one write.
     */
    static Optional<VpsSession> changeLiveWithLog(Handle h, String id, String status, String reason, long now,
                                                  int logLines) {
        return changeLive(h, id, status, null, reason, now, (Integer) logLines);
    }

    private static final String LOG_LINES = ", log_changed_at = CASE WHEN log_lines <> :lines THEN :now "
            + "ELSE log_changed_at END, log_lines = :lines";

    private static Optional<VpsSession> changeLive(Handle h, String id, String status, String route, String reason,
                                                   long now, Integer logLines) {
        String update = UPDATE + (logLines == null ? "" : LOG_LINES) + WHERE_ID + LIVE;
        if (Dialect.of(h) != Dialect.POSTGRESQL) {
            return withLines(bindUpdate(h.createUpdate(update), id, status, route, null, reason, now), logLines)
                    .execute() == 1 ? find(h, id) : Optional.empty();
        }
        return withLines(bindUpdate(h.createQuery("WITH s AS (" + update + " RETURNING *) " + COLUMNS
                + "FROM s JOIN vps_products p ON p.id = s.product_id"), id, status, route, null, reason, now), logLines)
                .map(SessionStore::row).findOne();
    }

    private static <S extends SqlStatement<S>> S withLines(S statement, Integer logLines) {
        return logLines == null ? statement : statement.bind("lines", logLines);
    }

    private static final String LIVE = " AND status IN ('pending', 'provisioning', 'ready')";

    private static final String UPDATE = "UPDATE vps_sessions SET status = :st, route = COALESCE(:route, route), "
            + "error = COALESCE(:error, error), status_reason = :reason, updated_at = :now, "
            + "requested_at = CASE WHEN :st = 'provisioning' AND requested_at IS NULL THEN :now ELSE requested_at END, "
            + "flagged_at = CASE WHEN status = 'pending' AND :st <> 'pending' THEN NULL ELSE flagged_at END, "
            + "doubt_since = CASE WHEN :st = 'pending' THEN doubt_since ELSE NULL END";
    private static final String WHERE_ID = " WHERE id = :id";

    private static int update(Handle h, String condition, String id, String status, String route, String error,
                              String reason, long now) {
        return bindUpdate(h.createUpdate(UPDATE + WHERE_ID + condition), id, status, route, error, reason, now).execute();
    }

    private static <S extends SqlStatement<S>> S bindUpdate(S statement, String id, String status, String route,
                                                            String error, String reason, long now) {
        return statement.bind("id", id).bind("st", status).bind("route", route).bind("error", cut(error, MAX_REASON))
                .bind("reason", cut(reason, MAX_REASON)).bind("now", now);
    }

    /** Records how far the worker's log has got; true when the count changed. */
    static boolean logLines(Handle h, String id, int lines, long now) {
        return h.createUpdate("UPDATE vps_sessions SET log_lines = :n, log_changed_at = :now WHERE id = :id "
                        + "AND status = 'provisioning' AND log_lines <> :n")
                .bind("id", id).bind("n", lines).bind("now", now).execute() == 1;
    }

    /** Marks a provisioning session as waiting for an operator, once; false when it already was or moved on. */
    static boolean flag(Handle h, String id, String reason, long now) {
        return h.createUpdate("UPDATE vps_sessions SET flagged_at = :now, status_reason = :reason, updated_at = :now "
                        + "WHERE id = :id AND status = 'provisioning' AND flagged_at IS NULL")
                .bind("id", id).bind("reason", cut(reason, MAX_REASON)).bind("now", now).execute() == 1;
    }

    /** The request's outcome is unknown from now; false when it already was, or the session moved on. */
    static boolean doubt(Handle h, String id, String reason, long now) {
        return h.createUpdate("UPDATE vps_sessions SET doubt_since = :now, status_reason = :reason, updated_at = :now "
                        + "WHERE id = :id AND status = 'pending' AND create_sent_at IS NOT NULL AND doubt_since IS NULL")
                .bind("id", id).bind("reason", cut(reason, MAX_REASON)).bind("now", now).execute() == 1;
    }

    /** Asks an operator to decide an in-doubt session, once. */
    static boolean flagDoubt(Handle h, String id, String reason, long now) {
        return h.createUpdate("UPDATE vps_sessions SET flagged_at = :now, status_reason = :reason, updated_at = :now "
                        + "WHERE id = :id AND status = 'pending' AND doubt_since IS NOT NULL AND flagged_at IS NULL")
                .bind("id", id).bind("reason", cut(reason, MAX_REASON)).bind("now", now).execute() == 1;
    }

    /** The in-doubt sessions of one worker. */
    static List<String> inDoubt(Handle h, String workerId) {
        return h.createQuery("SELECT id FROM vps_sessions WHERE worker_id = :w AND status = 'pending' "
                        + "AND doubt_since IS NOT NULL ORDER BY doubt_since")
                .bind("w", workerId).mapTo(String.class).list();
    }

    /** Read through the partial index vps_sessions_held on PostgreSQL, however many sessions were ever sold. */
    static final String HOLDING = "SELECT id, route FROM vps_sessions WHERE worker_id = :w AND holds_slot = TRUE";
    /** Read through the partial index workers_vm on PostgreSQL, however many gateway workers there are. */
    static final String VM_WORKERS = "SELECT id, base_url FROM workers WHERE base_url IS NOT NULL ORDER BY id";

    /** Ids and routes of the sessions that hold a slot on the worker: the VMs Vectis knows there. */
    static List<String[]> holding(Handle h, String workerId) {
        return h.createQuery(HOLDING)
                .bind("w", workerId).map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)}).list();
    }

    /** The provisioning action ({"action": n}) of the session's product. */
    static int action(Handle h, String sessionId) {
        return h.createQuery("SELECT p.provision_action FROM vps_sessions s JOIN vps_products p ON p.id = s.product_id "
                        + "WHERE s.id = :id")
                .bind("id", sessionId).mapTo(Integer.class).one();
    }

    /** Id and base URL of every worker that can host VMs. */
    static List<String[]> vmWorkers(Handle h) {
        return h.createQuery(VM_WORKERS)
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)}).list();
    }

    /** Sessions whose VM must still be stopped: stopping ones, and failed ones whose stop was not confirmed. */
    private static final String UNSTOPPED = "(status = 'stopping' OR (status = 'failed' AND holds_slot = TRUE)) ";

    /** Sessions whose next stop attempt is due. */
    static List<String> dueStops(Handle h, long now, int limit) {
        return h.createQuery("SELECT id FROM vps_sessions WHERE " + UNSTOPPED
                        + "AND (stop_next_at IS NULL OR stop_next_at <= :now) ORDER BY updated_at LIMIT :limit")
                .bind("now", now).bind("limit", limit).mapTo(String.class).list();
    }

    /**
     * Takes the next stop attempt for this node: pushes the due time past the attempt so no
     * other node makes it too. False when it is not due or another node took it.
     */
    static boolean claimStop(Handle h, String id, long now, long until) {
        return h.createUpdate("UPDATE vps_sessions SET stop_next_at = :until WHERE id = :id AND " + UNSTOPPED
                        + "AND (stop_next_at IS NULL OR stop_next_at <= :now)")
                .bind("id", id).bind("now", now).bind("until", until).execute() == 1;
    }

    /** Starts the stop's retry record afresh; the first attempt is claimed until {@code until}. */
    static void resetStop(Handle h, String id, long until) {
        h.createUpdate("UPDATE vps_sessions SET stop_attempts = 0, stop_last_error = NULL, stop_next_at = :until "
                        + "WHERE id = :id")
                .bind("id", id).bind("until", until).execute();
    }

    /** A failed attempt: counted, its error kept, the next one scheduled. Returns the attempts so far. */
    static int stopFailed(Handle h, String id, String error, long nextAt) {
        h.createUpdate("UPDATE vps_sessions SET stop_attempts = stop_attempts + 1, stop_last_error = :error, "
                        + "stop_next_at = :next WHERE id = :id AND " + UNSTOPPED)
                .bind("id", id).bind("error", cut(error, MAX_STOP_ERROR)).bind("next", nextAt).execute();
        return h.createQuery("SELECT stop_attempts FROM vps_sessions WHERE id = :id").bind("id", id)
                .mapTo(Integer.class).one();
    }

    /** The first stop of a failed session's VM was not confirmed: one attempt counted, the next scheduled. */
    static void stopUnconfirmed(Handle h, String id, String error, long nextAt) {
        h.createUpdate("UPDATE vps_sessions SET stop_attempts = 1, stop_last_error = :error, stop_next_at = :next "
                        + "WHERE id = :id")
                .bind("id", id).bind("error", cut(error, MAX_STOP_ERROR)).bind("next", nextAt).execute();
    }

    /** The worker's last answer to a stop, kept for operators. */
    static void stopAnswer(Handle h, String id, String answer) {
        h.createUpdate("UPDATE vps_sessions SET stop_last_error = :answer WHERE id = :id")
                .bind("id", id).bind("answer", cut(answer, MAX_STOP_ERROR)).execute();
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

    /** A session and its worker's address (null: the worker has none, or is gone), in one read. */
    record Located(VpsSession session, String baseUrl) {
    }

    static Optional<Located> located(Handle h, String id) {
        return h.createQuery(COLUMNS + ", w.base_url AS worker_base_url " + FROM
                        + "LEFT JOIN workers w ON w.id = s.worker_id WHERE s.id = :id")
                .bind("id", id).map((rs, ctx) -> new Located(row(rs, ctx), rs.getString("worker_base_url"))).findOne();
    }

    static String[] workerAddress(Handle h, String workerId) {
        return h.createQuery("SELECT id, base_url FROM workers WHERE id = :w").bind("w", workerId)
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)}).findOne().orElse(null);
    }

    private static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    static VpsSession row(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
            throws java.sql.SQLException {
        return new VpsSession(rs.getString("id"), rs.getString("user_id"), rs.getString("product_id"),
                rs.getString("product_name"), rs.getString("worker_id"), rs.getString("status"), rs.getString("route"),
                rs.getLong("price_coins"), rs.getBoolean("holds_slot"), rs.getString("error"), rs.getLong("created_at"),
                rs.getLong("updated_at"),
                new VpsSession.Watch(Columns.longOrNull(rs, "requested_at"), rs.getInt("log_lines"),
                        Columns.longOrNull(rs, "log_changed_at"), rs.getString("status_reason"),
                        Columns.longOrNull(rs, "flagged_at")),
                new VpsSession.Stop(rs.getInt("stop_attempts"), rs.getString("stop_last_error"),
                        Columns.longOrNull(rs, "stop_next_at")),
                new VpsSession.Request(Columns.longOrNull(rs, "create_sent_at"), Columns.longOrNull(rs, "doubt_since")));
    }
}
