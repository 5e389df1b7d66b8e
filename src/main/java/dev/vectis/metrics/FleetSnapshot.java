package dev.vectis.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * The fleet as the database holds it, read in one small set of queries: workers by contract
 * and state, the job queue, sessions by state, coins held by users. Counts come from indexes
 * or small tables; the oldest pending job is the first on the pending index, not a scan.
 */
record FleetSnapshot(Map<String, Long> workers, Map<String, Long> oldestSeen, long pending, long running,
                     Long oldestPendingCreatedAt, Map<String, Long> vpsSessions, Map<String, Long> chatSessions,
                     long coins, long takenAt) {

    /** Contracts by the name each enrols workers under (workers.enrolled_via). */
    static final List<String> CONTRACTS = List.of("executor", "fleet", "gateway", "marketplace");
    /** The operator's vocabulary for a worker's state (the fleet view's). */
    static final List<String> WORKER_STATES = List.of("online", "offline", "draining", "drained", "maintenance",
            "disabled");
    static final List<String> VPS_STATES = List.of("pending", "provisioning", "ready", "failed", "stopping",
            "deleted");
    /** The states SessionStates maps workers' words to, and "unknown" for a session created without one. */
    static final List<String> CHAT_STATES = List.of("created", "initializing", "connecting", "qr_required",
            "connected", "reconnecting", "disconnected", "logged_out", "deleted", "error", "failed", "unknown");

    /** Each statement's limit: a scrape must answer even when the database is slow. */
    private static final int QUERY_TIMEOUT_SECONDS = 2;

    static FleetSnapshot read(Handle h, long now) {
        Map<String, Long> workers = new HashMap<>();
        Map<String, Long> oldestSeen = new HashMap<>();
        h.createQuery("SELECT enrolled_via, status, online, reported_status, COUNT(*) AS n, "
                        + "MIN(CASE WHEN online = TRUE THEN last_seen_at END) AS oldest_seen "
                        + "FROM workers GROUP BY enrolled_via, status, online, reported_status")
                .setQueryTimeout(QUERY_TIMEOUT_SECONDS)
                .map((rs, ctx) -> {
                    String contract = rs.getString("enrolled_via");
                    String state = workerState(rs.getString("status"), rs.getBoolean("online"),
                            rs.getString("reported_status"));
                    workers.merge(key(contract, state), rs.getLong("n"), Long::sum);
                    long seen = rs.getLong("oldest_seen");
                    if (!rs.wasNull()) {
                        oldestSeen.merge(contract, seen, Math::min);
                    }
                    return 0;
                }).list();
        Map<String, Long> jobs = countBy(h, "SELECT status, COUNT(*) FROM jobs "
                + "WHERE status IN ('pending', 'running') GROUP BY status");
        Long oldestPending = h.createQuery("SELECT created_at FROM jobs WHERE status = 'pending' ORDER BY seq LIMIT 1")
                .setQueryTimeout(QUERY_TIMEOUT_SECONDS).mapTo(Long.class).findOne().orElse(null);
        Map<String, Long> vps = countBy(h, "SELECT status, COUNT(*) FROM vps_sessions GROUP BY status");
        Map<String, Long> chat = countBy(h, "SELECT status, COUNT(*) FROM chat_sessions GROUP BY status");
        long coins = h.createQuery("SELECT COALESCE(SUM(coins), 0) FROM users").setQueryTimeout(QUERY_TIMEOUT_SECONDS)
                .mapTo(Long.class).one();
        return new FleetSnapshot(workers, oldestSeen, jobs.getOrDefault("pending", 0L),
                jobs.getOrDefault("running", 0L), oldestPending, vps, chat, coins, now);
    }

    /**
     * A worker's state from its row: set aside by an operator, silent, or saying it is under
     * maintenance, in that order; else online. Draining and drained are the fleet view's
     * words for workers let finish their work, counted here once the registry keeps them.
     */
    static String workerState(String status, boolean online, String reportedStatus) {
        if ("disabled".equals(status)) {
            return "disabled";
        }
        if (!online) {
            return "offline";
        }
        return "MAINTENANCE".equals(reportedStatus) ? "maintenance" : "online";
    }

    static String key(String contract, String state) {
        return contract + "/" + state;
    }

    long workers(String contract, String state) {
        return workers.getOrDefault(key(contract, state), 0L);
    }

    private static Map<String, Long> countBy(Handle h, String sql) {
        Map<String, Long> counts = new HashMap<>();
        h.createQuery(sql).setQueryTimeout(QUERY_TIMEOUT_SECONDS)
                .map((rs, ctx) -> counts.merge(rs.getString(1), rs.getLong(2), Long::sum)).list();
        return counts;
    }
}
