package dev.vectis.jobs;

import dev.vectis.db.Columns;
import dev.vectis.db.Dialect;
import dev.vectis.db.KeyedAfter;
import dev.vectis.workers.WorkerState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL for jobs and job_events. Every method runs on the caller's handle (and transaction). */
final class JobStore {

    private static final String COLUMNS = "id, seq, command, file_url, filename, status, worker_id, attempt, "
            + "max_attempts, timeout_seconds, stdout, stderr, exit_code, error_message, created_at, started_at, "
            + "deadline_at, completed_at";

    private static final String[] COLUMN_NAMES = COLUMNS.split(", ");

    private JobStore() {
    }

    /** The new job's seq. */
    static long insert(Handle h, String id, NewJob job, int maxAttempts, int timeoutSeconds, long now) {
        return h.createUpdate("INSERT INTO jobs (id, command, file_url, filename, status, max_attempts, timeout_seconds, "
                        + "created_at) VALUES (:id, :command, :fileUrl, :filename, 'pending', :maxAttempts, "
                        + ":timeoutSeconds, :now)")
                .bind("id", id).bind("command", job.command()).bind("fileUrl", job.fileUrl())
                .bind("filename", job.filename()).bind("maxAttempts", maxAttempts)
                .bind("timeoutSeconds", timeoutSeconds).bind("now", now)
                .executeAndReturnGeneratedKeys("seq").mapTo(Long.class).one();
    }

    static Optional<Job> find(Handle h, String id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM jobs WHERE id = :id").bind("id", id)
                .map(JobStore::row).findOne();
    }

    /** The row, locked until the transaction ends: result, output and cancel calls serialize on it. */
    static Optional<Job> lock(Handle h, String id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM jobs WHERE id = :id FOR UPDATE").bind("id", id)
                .map(JobStore::row).findOne();
    }

    /** What a report is checked against, and the current length of one output stream. */
    record Assignment(String status, String workerId, int attempt, int outputLength) {
    }

    /** The row locked like {@link #lock}, reading only what a report is checked against. */
    static Optional<Assignment> lockAssignment(Handle h, String id) {
        return h.createQuery("SELECT status, worker_id, attempt FROM jobs WHERE id = :id FOR UPDATE").bind("id", id)
                .map((rs, ctx) -> new Assignment(rs.getString("status"), rs.getString("worker_id"), rs.getInt("attempt"),
                        0))
                .findOne();
    }

    /** The row locked like {@link #lock}, reading only what an output chunk needs. */
    static Optional<Assignment> lockAssignment(Handle h, String id, String stream) {
        String column = stream.equals("stderr") ? "stderr" : "stdout";
        return h.createQuery("SELECT status, worker_id, attempt, LENGTH(" + column + ") AS len FROM jobs "
                        + "WHERE id = :id FOR UPDATE").bind("id", id)
                .map((rs, ctx) -> new Assignment(rs.getString("status"), rs.getString("worker_id"), rs.getInt("attempt"),
                        rs.getInt("len")))
                .findOne();
    }

    static void appendOutput(Handle h, String jobId, String stream, String text) {
        String column = stream.equals("stderr") ? "stderr" : "stdout";
        h.createUpdate("UPDATE jobs SET " + column + " = " + column + " || :text WHERE id = :id")
                .bind("id", jobId).bind("text", text).execute();
    }

    static List<Job> page(Handle h, Long afterSeq, int limit) {
        return h.createQuery("SELECT " + COLUMNS + " FROM jobs WHERE (:after IS NULL OR seq > :after) "
                        + "ORDER BY seq LIMIT :limit")
                .bind("after", afterSeq).bind("limit", limit).map(JobStore::row).list();
    }

    static long count(Handle h) {
        return h.createQuery("SELECT COUNT(*) FROM jobs").mapTo(Long.class).one();
    }

    /** Written so that PostgreSQL's partial index of pending jobs (V18) matches it. */
    static final String NEXT_PENDING = "SELECT id FROM jobs WHERE status = 'pending' ORDER BY seq LIMIT 1 "
            + "FOR UPDATE SKIP LOCKED";

    /** How many of the oldest pending jobs H2 tries before it says there is none free. */
    private static final int H2_CANDIDATES = 32;

    /**
     * The oldest pending job nobody else is claiming right now. H2 applies LIMIT before SKIP
     * LOCKED, so there one claim in progress would hide every other pending job: it tries
     * the oldest few one by one instead.
     */
    static Optional<String> nextPending(Handle h, Dialect dialect) {
        if (dialect == Dialect.POSTGRESQL) {
            return h.createQuery(NEXT_PENDING).mapTo(String.class).findOne();
        }
        List<String> oldest = h.createQuery("SELECT id FROM jobs WHERE status = 'pending' ORDER BY seq LIMIT :n")
                .bind("n", H2_CANDIDATES).mapTo(String.class).list();
        for (String id : oldest) {
            Optional<String> free = h.createQuery("SELECT id FROM jobs WHERE id = :id AND status = 'pending' "
                    + "FOR UPDATE SKIP LOCKED").bind("id", id).mapTo(String.class).findOne();
            if (free.isPresent()) {
                return free;
            }
        }
        return Optional.empty();
    }

    /** Read with the worker's limit and running count: refusing a drained or disabled worker costs no extra query. */
    private static final String TAKES_WORK = "CASE WHEN " + WorkerState.takesWork("w") + " THEN 1 ELSE 0 END";

    static Optional<JobQueue.Load> load(Handle h, String workerId) {
        return h.createQuery("SELECT w.max_jobs, w.names_itself, (SELECT COUNT(*) FROM jobs WHERE worker_id = :w "
                        + "AND status = 'running') AS running, " + TAKES_WORK + " AS takes_work "
                        + "FROM workers w WHERE w.id = :w")
                .bind("w", workerId)
                .map((rs, ctx) -> new JobQueue.Load(rs.getInt("max_jobs"), rs.getInt("running"),
                        rs.getBoolean("names_itself"), rs.getInt("takes_work") == 1))
                .findOne();
    }

    /**
     * Hands the job to a worker, or (workerId null) holds it for the address of an anonymous
     * poll; the job as it now is, or empty when it was no longer pending.
     */
    static Optional<Job> start(Handle h, String jobId, String workerId, String claimAddress, long now) {
        return h.createUpdate("UPDATE jobs SET status = 'running', worker_id = :w, claim_address = :address, "
                        + "attempt = attempt + 1, started_at = :now, "
                        + "deadline_at = CAST(:now AS BIGINT) + CAST(timeout_seconds AS BIGINT) * 1000, completed_at = NULL "
                        + "WHERE id = :id AND status = 'pending'")
                .bind("id", jobId).bind("w", workerId).bind("address", claimAddress).bind("now", now)
                .executeAndReturnGeneratedKeys(COLUMN_NAMES).map(JobStore::row).findOne();
    }

    /** A held job becomes the worker's that first reported on it. */
    static void attribute(Handle h, String jobId, String workerId) {
        h.createUpdate("UPDATE jobs SET worker_id = :w, claim_address = NULL WHERE id = :id")
                .bind("id", jobId).bind("w", workerId).execute();
    }

    static void finish(Handle h, String jobId, String status, Integer exitCode, String errorMessage, long now) {
        h.createUpdate("UPDATE jobs SET status = :status, exit_code = :exitCode, error_message = :error, "
                        + "completed_at = :now, deadline_at = NULL WHERE id = :id")
                .bind("id", jobId).bind("status", status).bind("exitCode", exitCode).bind("error", errorMessage)
                .bind("now", now).execute();
    }

    static void requeue(Handle h, String jobId) {
        h.createUpdate("UPDATE jobs SET status = 'pending', worker_id = NULL, claim_address = NULL, started_at = NULL, "
                + "deadline_at = NULL WHERE id = :id").bind("id", jobId).execute();
    }

    /** Completed with its exit code; output given (not null) replaces what was streamed. */
    static void complete(Handle h, String jobId, String stdout, String stderr, int exitCode, long now) {
        h.createUpdate("UPDATE jobs SET status = 'completed', exit_code = :exitCode, error_message = NULL, "
                        + "completed_at = :now, deadline_at = NULL, stdout = COALESCE(:stdout, stdout), "
                        + "stderr = COALESCE(:stderr, stderr) WHERE id = :id")
                .bind("id", jobId).bind("exitCode", exitCode).bind("now", now)
                .bind("stdout", stdout).bind("stderr", stderr).execute();
    }

    static List<String> runningIdsOf(Handle h, String workerId) {
        return h.createQuery("SELECT id FROM jobs WHERE worker_id = :w AND status = 'running' ORDER BY seq")
                .bind("w", workerId).mapTo(String.class).list();
    }

    static List<String> overdue(Handle h, long now) {
        return h.createQuery("SELECT id FROM jobs WHERE status = 'running' AND deadline_at < :now ORDER BY seq")
                .bind("now", now).mapTo(String.class).list();
    }

    static long addEvent(Handle h, String jobId, String kind, String data, long now) {
        return h.createUpdate("INSERT INTO job_events (job_id, kind, data, created_at) VALUES (:job, :kind, :data, :now)")
                .bind("job", jobId).bind("kind", kind).bind("data", data).bind("now", now)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    static List<JobEvent> eventsAfter(Handle h, String jobId, long afterId, int limit) {
        return eventsAfter(h, Map.of(jobId, afterId), limit);
    }

    /** Each job's events after its own id, together oldest first. */
    static List<JobEvent> eventsAfter(Handle h, Map<String, Long> positions, int limit) {
        return KeyedAfter.read(h, "SELECT id, job_id, kind, data, created_at FROM job_events", "job_id", positions, limit,
                (rs, ctx) -> new JobEvent(rs.getLong("id"), rs.getString("job_id"), rs.getString("kind"),
                        rs.getString("data"), rs.getLong("created_at")));
    }

    private static Job row(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Job(rs.getString("id"), rs.getLong("seq"), rs.getString("command"), rs.getString("file_url"),
                rs.getString("filename"), rs.getString("status"), rs.getString("worker_id"), rs.getInt("attempt"),
                rs.getInt("max_attempts"), rs.getInt("timeout_seconds"), rs.getString("stdout"),
                rs.getString("stderr"), Columns.intOrNull(rs, "exit_code"), rs.getString("error_message"),
                rs.getLong("created_at"), Columns.longOrNull(rs, "started_at"), Columns.longOrNull(rs, "deadline_at"),
                Columns.longOrNull(rs, "completed_at"));
    }
}
