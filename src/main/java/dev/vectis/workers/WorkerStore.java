package dev.vectis.workers;

import dev.vectis.db.Columns;
import java.sql.Array;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/** SQL for the workers table. Every method runs on the caller's handle (and transaction). */
final class WorkerStore {

    /** Workers that run command-executor jobs: those registered through it, and enrolled agents. */
    static final String JOB_RUNNERS = "('executor', 'fleet')";

    private static final String COLUMNS = "w.id, w.enrolled_via, w.hostname, w.os, w.cpu_count, w.version, "
            + "w.max_jobs, w.online, w.last_seen_at, w.created_at, w.updated_at, w.ip, w.subdomain, w.endpoint, "
            + "w.description, w.max_sessions, w.environment, w.reported_status, w.status, "
            + "(SELECT COUNT(*) FROM jobs j WHERE j.worker_id = w.id AND j.status = 'running') AS running_jobs";
    private static final String SELECT = "SELECT " + COLUMNS + " FROM workers w ";
    /** A joined worker_metrics m, each column named m_… for {@link WorkerMetrics#sample}. */
    static final String SAMPLE_COLUMNS = Stream.of("worker_id", "status", "cpu_usage", "memory_usage",
                    "uptime", "message_count", "session_total", "session_connected", "session_disconnected",
                    "session_qr_required", "session_reconnecting", "session_error", "reported_at", "extra", "created_at")
            .map(c -> "m." + c + " AS m_" + c).collect(Collectors.joining(", "));

    private WorkerStore() {
    }

    static Optional<Worker> find(Handle h, String id) {
        return h.createQuery(SELECT + "WHERE w.id = :id").bind("id", id).map(WorkerStore::row).findOne();
    }

    /**
     * The worker, its live chat sessions and its newest sample in one round trip: each is an
     * index lookup, the sample the last entry of the worker's (worker_id, created_at, id) range.
     */
    static Optional<WorkerOverview> overview(Handle h, String id, Collection<String> endedSessionStates) {
        return h.createQuery("SELECT " + COLUMNS + ", (SELECT ARRAY_AGG(s.id ORDER BY s.id) FROM chat_sessions s "
                        + "WHERE s.worker_id = w.id AND s.status NOT IN (<ended>)) AS live_sessions, " + SAMPLE_COLUMNS
                        + " FROM workers w LEFT JOIN worker_metrics m ON m.id = (SELECT l.id FROM worker_metrics l "
                        + "WHERE l.worker_id = w.id ORDER BY l.created_at DESC, l.id DESC LIMIT 1) WHERE w.id = :id")
                .bind("id", id).bindList("ended", List.copyOf(endedSessionStates))
                .map((rs, ctx) -> new WorkerOverview(row(rs, ctx), strings(rs.getArray("live_sessions")),
                        rs.getObject("m_created_at") == null ? Optional.empty()
                                : Optional.of(WorkerMetrics.sample(rs, "m_"))))
                .findOne();
    }

    private static List<String> strings(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        try {
            return Arrays.stream((Object[]) array.getArray()).map(String.class::cast).toList();
        } finally {
            array.free();
        }
    }

    static List<Worker> page(Handle h, String afterId, int limit, boolean jobRunnersOnly) {
        return h.createQuery(SELECT + "WHERE (:after IS NULL OR w.id > :after) " + (jobRunnersOnly ? "AND w.enrolled_via IN "
                        + JOB_RUNNERS : "") + " ORDER BY w.id LIMIT :limit")
                .bind("after", afterId).bind("limit", limit).map(WorkerStore::row).list();
    }

    static long count(Handle h, boolean jobRunnersOnly) {
        return h.createQuery("SELECT COUNT(*) FROM workers" + (jobRunnersOnly ? " WHERE enrolled_via IN " + JOB_RUNNERS : ""))
                .mapTo(Long.class).one();
    }

    static Optional<String> kindOf(Handle h, String id) {
        return h.createQuery("SELECT enrolled_via FROM workers WHERE id = :id").bind("id", id).mapTo(String.class)
                .findOne();
    }

    static boolean exists(Handle h, String id) {
        return h.createQuery("SELECT COUNT(*) FROM workers WHERE id = :id").bind("id", id).mapTo(Integer.class).one() > 0;
    }

    /** Whether the worker has registered through the command-executor contract before. */
    static boolean registeredHere(Handle h, String id) {
        return h.createQuery("SELECT COUNT(*) FROM workers WHERE id = :id AND registered_at IS NOT NULL "
                + "AND enrolled_via IN " + JOB_RUNNERS).bind("id", id).mapTo(Integer.class).one() > 0;
    }

    /** Updates the executor-contract fields of an existing worker; false when there is none. */
    static boolean updateExecutorFields(Handle h, ExecutorRegistration r, long now) {
        return h.createUpdate("UPDATE workers SET hostname = :hostname, os = :os, cpu_count = :cpuCount, "
                        + "version = :version, max_jobs = :maxJobs, online = TRUE, executor_ip = :address, "
                        + "registered_at = :now, names_itself = FALSE, left_at = NULL, "
                        + "last_seen_at = :now, updated_at = :now WHERE id = :workerId AND enrolled_via IN " + JOB_RUNNERS)
                .bindMethods(r).bind("now", now).execute() == 1;
    }

    static void insertExecutor(Handle h, ExecutorRegistration r, long now) {
        h.createUpdate("INSERT INTO workers (id, enrolled_via, hostname, os, cpu_count, version, max_jobs, online, "
                        + "executor_ip, registered_at, last_seen_at, created_at, updated_at) VALUES (:workerId, "
                        + "'executor', :hostname, :os, :cpuCount, :version, :maxJobs, TRUE, :address, :now, :now, :now, :now)")
                .bindMethods(r).bind("now", now).execute();
    }

    /**
     * Applies buffered heartbeats; a later flush never moves last_seen_at backwards. A beat
     * older than {@code cutoff} (the offline window) does not bring an offline worker back:
     * another node's sweep judged it silent before this node wrote the beat, and rightly.
     * Nor does a beat from before the worker said it was leaving (left_at); a later one ends
     * the departure.
     * Rows are written in id order, the order every writer of several workers rows takes them
     * in, so two such writers (two nodes' flushes, a flush beside the sweep) never wait on each
     * other in a cycle.
     */
    static void touch(Handle h, Map<String, HeartbeatBuffer.Beat> beats, long cutoff) {
        PreparedBatch batch = h.prepareBatch("UPDATE workers SET last_seen_at = GREATEST(last_seen_at, :seen), "
                + "online = (online OR (:seen >= :cutoff AND (left_at IS NULL OR :seen > left_at))), "
                + "left_at = CASE WHEN :seen > left_at THEN NULL ELSE left_at END, "
                + "updated_at = GREATEST(updated_at, :seen), "
                + "reported_status = CASE WHEN CAST(:status AS VARCHAR(20)) IS NOT NULL AND :seen >= COALESCE(reported_status_at, 0) "
                + "THEN :status ELSE reported_status END, "
                + "reported_status_at = CASE WHEN CAST(:status AS VARCHAR(20)) IS NOT NULL AND :seen >= COALESCE(reported_status_at, 0) "
                + "THEN :seen ELSE reported_status_at END, "
                + "executor_ip = CASE WHEN CAST(:address AS VARCHAR(45)) IS NOT NULL AND :seen >= last_seen_at "
                + "THEN :address ELSE executor_ip END WHERE id = :id");
        new TreeMap<>(beats).forEach((id, beat) -> batch.bind("id", id).bind("seen", beat.at()).bind("status", beat.status())
                .bind("address", beat.address()).bind("cutoff", cutoff).add());
        if (batch.size() > 0) {
            batch.execute();
        }
    }

    /**
     * In the id order {@link #touch} writes in, since the sweep marks them offline one by one in
     * one transaction. Sorted here, not by the database, whose collation may order text otherwise.
     */
    static List<String> silentSince(Handle h, long cutoff) {
        return h.createQuery("SELECT id FROM workers WHERE online = TRUE AND last_seen_at < :cutoff")
                .bind("cutoff", cutoff).mapTo(String.class).list().stream().sorted().toList();
    }

    /**
     * How many workers are online, and how many of them were last heard before {@code quietBefore}.
     * VPS hosts registered by an admin send no heartbeats, so their silence says nothing: not counted.
     */
    static int[] onlineAndQuiet(Handle h, long quietBefore) {
        return h.createQuery("SELECT COUNT(*) AS online, "
                        + "COALESCE(SUM(CASE WHEN last_seen_at < :quiet THEN 1 ELSE 0 END), 0) AS quiet "
                        + "FROM workers WHERE online = TRUE AND enrolled_via <> 'marketplace'")
                .bind("quiet", quietBefore).map((rs, ctx) -> new int[] {rs.getInt("online"), rs.getInt("quiet")}).one();
    }

    /** Conditional, so a heartbeat that landed meanwhile keeps the worker online. */
    static boolean markOffline(Handle h, String id, long cutoff, long now) {
        return h.createUpdate("UPDATE workers SET online = FALSE, updated_at = :now "
                        + "WHERE id = :id AND online = TRUE AND last_seen_at < :cutoff")
                .bind("id", id).bind("cutoff", cutoff).bind("now", now).execute() == 1;
    }


    /** Registers or refreshes a session-gateway worker; the endpoint's unique index refuses a second claimant. */
    static boolean updateGatewayFields(Handle h, GatewayRegistration r, long now) {
        return h.createUpdate("UPDATE workers SET endpoint = :endpoint, description = :description, "
                        + "max_sessions = :maxSessions, reported_status = :status, reported_status_at = :now, "
                        + "version = :version, "
                        + "environment = :environment, online = TRUE, last_seen_at = :now, updated_at = :now "
                        + "WHERE id = :workerId AND enrolled_via = 'gateway'")
                .bindMethods(r).bind("now", now).execute() == 1;
    }

    static void insertGateway(Handle h, GatewayRegistration r, long now) {
        h.createUpdate("INSERT INTO workers (id, enrolled_via, endpoint, description, max_sessions, reported_status, "
                        + "reported_status_at, version, environment, online, last_seen_at, created_at, updated_at) "
                        + "VALUES (:workerId, 'gateway', :endpoint, :description, :maxSessions, :status, :now, :version, "
                        + ":environment, TRUE, :now, :now, :now)")
                .bindMethods(r).bind("now", now).execute();
    }

    static void setReportedStatus(Handle h, String id, String status, long now) {
        h.createUpdate("UPDATE workers SET reported_status = :status, reported_status_at = :now, updated_at = :now "
                        + "WHERE id = :id")
                .bind("id", id).bind("status", status).bind("now", now).execute();
    }

    /** The worker and its metrics samples, which have no foreign key to cascade from (V32). */
    static boolean delete(Handle h, String id) {
        h.createUpdate("DELETE FROM worker_metrics WHERE worker_id = :id").bind("id", id).execute();
        return h.createUpdate("DELETE FROM workers WHERE id = :id").bind("id", id).execute() == 1;
    }

    private static Worker row(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
            throws java.sql.SQLException {
        return new Worker(rs.getString("id"), rs.getString("enrolled_via"), rs.getString("hostname"),
                rs.getString("os"), Columns.intOrNull(rs, "cpu_count"), rs.getString("version"), rs.getInt("max_jobs"),
                rs.getBoolean("online"), rs.getLong("last_seen_at"), rs.getLong("created_at"),
                rs.getLong("updated_at"), rs.getInt("running_jobs"), rs.getString("ip"), rs.getString("subdomain"),
                rs.getString("endpoint"), rs.getString("description"), Columns.intOrNull(rs, "max_sessions"),
                rs.getString("environment"), rs.getString("reported_status"), rs.getString("status"));
    }
}
