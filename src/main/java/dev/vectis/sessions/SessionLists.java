package dev.vectis.sessions;

import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/** Pages of vps_sessions for users, operators and the marketplace round; on the caller's handle. */
final class SessionLists {

    private SessionLists() {
    }

    static List<VpsSession> ofUser(Handle h, String userId, String beforeId, long beforeCreated, int limit) {
        return before(h.createQuery(SessionStore.SELECT + "WHERE s.user_id = :u AND s.status <> 'deleted' " + before(beforeId)
                        + "ORDER BY s.created_at DESC, s.id DESC LIMIT :limit"), beforeId, beforeCreated)
                .bind("u", userId).bind("limit", limit).map(SessionStore::row).list();
    }

    /**
     * The operators' filter, only the conditions asked for: "(:x IS NULL OR …)" would keep a
     * prepared plan from using an index for any of them.
     */
    private static String filter(String status, String workerId, boolean flagged) {
        List<String> conditions = new ArrayList<>(List.of("TRUE"));
        if (status != null) {
            conditions.add("s.status = :st");
        }
        if (workerId != null) {
            conditions.add("s.worker_id = :worker");
        }
        if (flagged) {
            conditions.add("s.status IN ('provisioning', 'pending') AND s.flagged_at IS NOT NULL");
        }
        return String.join(" AND ", conditions) + " ";
    }

    private static Query filter(Query q, String status, String workerId) {
        if (status != null) {
            q.bind("st", status);
        }
        return workerId == null ? q : q.bind("worker", workerId);
    }

    /** Newest first, the page after the session {@code beforeId} (null: from the newest). */
    private static String before(String beforeId) {
        return beforeId == null ? "" : "AND (s.created_at < :created OR (s.created_at = :created AND s.id < :before)) ";
    }

    private static Query before(Query q, String beforeId, long beforeCreated) {
        return beforeId == null ? q : q.bind("before", beforeId).bind("created", beforeCreated);
    }

    /** Every user's sessions for operators, newest first; {@code status}, {@code workerId} and {@code flagged} narrow it. */
    static List<VpsSession> all(Handle h, String status, String workerId, boolean flagged, String beforeId,
                                long beforeCreated, int limit) {
        Query page = h.createQuery(SessionStore.SELECT + "WHERE " + filter(status, workerId, flagged) + before(beforeId)
                + "ORDER BY s.created_at DESC, s.id DESC LIMIT :limit");
        return before(filter(page, status, workerId), beforeId, beforeCreated).bind("limit", limit)
                .map(SessionStore::row).list();
    }

    static long countAll(Handle h, String status, String workerId, boolean flagged) {
        return filter(h.createQuery("SELECT COUNT(*) FROM vps_sessions s WHERE " + filter(status, workerId, flagged)),
                status, workerId).mapTo(Long.class).one();
    }

    /** One page of the sessions in a status, by id after {@code afterId} (null: from the start). */
    static List<VpsSession> withStatus(Handle h, String status, String afterId, int limit) {
        // Two statements rather than "(:after IS NULL OR s.id > :after)": a prepared plan for that
        // cannot start its index scan at afterId, so every page read all sessions in the status.
        Query page = h.createQuery(SessionStore.SELECT + "WHERE s.status = :st " + (afterId == null ? "" : "AND s.id > :after ")
                + "ORDER BY s.id LIMIT :limit");
        if (afterId != null) {
            page.bind("after", afterId);
        }
        return page.bind("st", status).bind("limit", limit).map(SessionStore::row).list();
    }
}
