package dev.vectis.jobs;

import dev.vectis.db.Columns;
import dev.vectis.db.Dialect;
import dev.vectis.db.Horizon;
import dev.vectis.db.KeyedAfter;
import dev.vectis.workers.Labels;
import dev.vectis.workers.WorkerState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL for jobs and job_events. Every method runs on the caller's handle (and transaction). */
final class JobStore {

    static final String COLUMNS = "id, seq, command, file_url, filename, status, worker_id, attempt, "
            + "max_attempts, timeout_seconds, stdout, stderr, exit_code, error_message, created_at, started_at, "
            + "deadline_at, completed_at, labels";

    private static final String[] COLUMN_NAMES = COLUMNS.split(", ");

    private JobStore() {
    }

    static final String INSERT = "INSERT INTO jobs (id, command, file_url, filename, status, max_attempts, "
            + "timeout_seconds, created_by_token, created_at, labels) VALUES (:id, :command, :fileUrl, :filename, "
            + "'pending', :maxAttempts, :timeoutSeconds, :createdBy, :jobNow, :labels)";

    /** The new job's seq. */
    static long insert(Handle h, String id, NewJob job, int maxAttempts, int timeoutSeconds, String createdBy,
                       long now) {
        long seq = bindInsert(h.createUpdate(INSERT), id, job, maxAttempts, timeoutSeconds, createdBy, now)
                .executeAndReturnGeneratedKeys("seq").mapTo(Long.class).one();
        if (!job.labels().isEmpty()) {
            PreparedBatch batch = h.prepareBatch("INSERT INTO job_labels (job_id, label_key, label_value) "
                    + "VALUES (:j, :k, :v)");
            job.labels().pairs().forEach((k, v) -> batch.bind("j", id).bind("k", k).bind("v", v).add());
            batch.execute();
        }
        return seq;
    }

    /** {@code createdBy}: the token that asked, whose submitter alone may then read the job (null: none). */
    static <S extends SqlStatement<S>> S bindInsert(S statement, String id, NewJob job, int maxAttempts,
                                                    int timeoutSeconds, String createdBy, long now) {
        return statement.bind("id", id).bind("command", job.command()).bind("fileUrl", job.fileUrl())
                .bind("filename", job.filename()).bind("maxAttempts", maxAttempts)
                .bind("timeoutSeconds", timeoutSeconds).bind("createdBy", createdBy).bind("jobNow", now)
                .bind("labels", job.labels().canonical());
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

    /** The job, when the token {@code createdBy} created it. */
    static Optional<Job> findCreatedBy(Handle h, String id, String createdBy) {
        return h.createQuery("SELECT " + COLUMNS + " FROM jobs WHERE id = :id AND created_by_token = :by")
                .bind("id", id).bind("by", createdBy).map(JobStore::row).findOne();
    }

    /** One page of the jobs the filter matches, in its order; {@code cursor}: the seq the page starts after. */
    static List<Job> page(Handle h, JobFilter f, Long cursor, int limit) {
        String sql = "SELECT " + COLUMNS + " FROM jobs WHERE " + f.where()
                + (cursor == null ? "" : f.newestFirst() ? " AND seq < :cursor" : " AND seq > :cursor")
                + " ORDER BY seq " + (f.newestFirst() ? "DESC" : "ASC") + " LIMIT :limit";
        org.jdbi.v3.core.statement.Query q = h.createQuery(sql).bind("limit", limit);
        bindFilter(q, f);
        if (cursor != null) {
            q.bind("cursor", cursor);
        }
        return q.map(JobStore::row).list();
    }

    static long count(Handle h, JobFilter f) {
        org.jdbi.v3.core.statement.Query q = h.createQuery("SELECT COUNT(*) FROM jobs WHERE " + f.where());
        bindFilter(q, f);
        return q.mapTo(Long.class).one();
    }

    private static void bindFilter(org.jdbi.v3.core.statement.Query q, JobFilter f) {
        if (!f.statuses().isEmpty()) {
            q.bindList("statuses", f.statuses());
        }
        if (f.workerId() != null) {
            q.bind("workerId", f.workerId());
        }
        if (f.createdBy() != null) {
            q.bind("createdBy", f.createdBy());
        }
    }


    /**
     * Pending jobs requiring no labels: what a worker without labels may take. Written so that
     * PostgreSQL's partial index of them (V28) matches it, and H2 reads (status, labels, seq).
     */
    static final String UNLABELLED = "status = 'pending' AND labels IS NULL";

    /**
     * Pending jobs the worker :w may take: those requiring no labels, and those none of whose
     * labels it lacks. PostgreSQL walks its partial index of pending jobs (V18) in seq order,
     * so a labelled worker's claim also steps over the pending jobs it cannot take.
     */
    static final String TAKEABLE = "status = 'pending' AND (labels IS NULL OR NOT EXISTS (SELECT 1 FROM job_labels jl "
            + "WHERE jl.job_id = jobs.id AND NOT EXISTS (SELECT 1 FROM worker_labels wl WHERE wl.worker_id = :w "
            + "AND wl.label_key = jl.label_key AND wl.label_value = jl.label_value)))";

    /** PostgreSQL's claim for a worker without labels (with labels it reads {@link #TAKEABLE}). */
    static final String NEXT_PENDING = nextOf(UNLABELLED);

    /** How many of the oldest pending jobs H2 tries before it says there is none free. */
    private static final int H2_CANDIDATES = 32;

    /**
     * The oldest pending job that {@code workerId} may take (null: an anonymous poll, which
     * takes only jobs requiring no labels) and nobody else is claiming right now. A worker
     * without labels takes the cheap path, which never looks at a labelled job. H2 applies
     * LIMIT before SKIP LOCKED, so there one claim in progress would hide every other pending
     * job: it tries the oldest few one by one instead.
     */
    private static Optional<String> nextPendingOnH2(Handle h, String labelsOf) {
        Query candidates = h.createQuery("SELECT id FROM jobs WHERE " + (labelsOf != null ? TAKEABLE : UNLABELLED)
                + " ORDER BY seq LIMIT :n").bind("n", H2_CANDIDATES);
        List<String> oldest = (labelsOf != null ? candidates.bind("w", labelsOf) : candidates).mapTo(String.class).list();
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

    /**
     * What a named poll learns before it locks anything: the worker's room, whether any job
     * waits, and whether it has left, carries labels or may take work at all (docs/fleet.md).
     */
    record Look(int maxJobs, int running, boolean namesItself, boolean work, boolean left, boolean labelled,
                boolean takesWork) {
    }

    /** Starts the statement {@link #look} runs, so tests can count a poll's looks. */
    static final String LOOK = "SELECT max_jobs, names_itself, ";

    /** How many jobs the worker :w runs. */
    static final String RUNNING = "(SELECT COUNT(*) FROM jobs WHERE worker_id = :w AND status = 'running')";

    /** The look's statement, binding :w. */
    static final String LOOK_SQL = LOOK + RUNNING + " AS running, "
            + "CASE WHEN EXISTS (SELECT 1 FROM worker_labels WHERE worker_id = :w) THEN 1 ELSE 0 END AS labelled, "
            // Work a labelled worker may not be able to take still counts: its take decides.
            + "CASE WHEN EXISTS (SELECT 1 FROM jobs WHERE status = 'pending' AND (labels IS NULL OR EXISTS "
            + "(SELECT 1 FROM worker_labels WHERE worker_id = :w))) THEN 1 ELSE 0 END AS work, "
            + "left_at, " + TAKES_WORK + " AS takes_work, w.id AS worker FROM workers w WHERE w.id = :w";

    static Optional<Look> look(Handle h, String workerId) {
        return h.createQuery(LOOK_SQL).bind("w", workerId).map(JobStore::look).findOne();
    }

    static Look look(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Look(rs.getInt("max_jobs"), rs.getInt("running"), rs.getBoolean("names_itself"),
                rs.getInt("work") == 1, Columns.longOrNull(rs, "left_at") != null, rs.getInt("labelled") == 1,
                rs.getInt("takes_work") == 1);
    }

    /** Whether a job requiring no labels waits: what an anonymous poll may take. */
    static boolean anyUnlabelled(Handle h) {
        return h.createQuery("SELECT 1 FROM jobs WHERE " + UNLABELLED + " LIMIT 1").mapTo(Integer.class).findOne()
                .isPresent();
    }

    private static final String ROOM = RUNNING + " < :max";

    static final String START = "UPDATE jobs SET status = 'running', worker_id = :w, claim_address = :address, "
            + "attempt = attempt + 1, started_at = :now, "
            + "deadline_at = CAST(:now AS BIGINT) + CAST(timeout_seconds AS BIGINT) * 1000, completed_at = NULL ";

    /**
     * Gives the oldest pending job nobody else is claiming to the taker, under the locks the
     * placement took: the job as it now is, or empty when there was none free (or, with the
     * taker's {@code maxJobs}, no room). On PostgreSQL one statement picks and starts it.
     */
    static Optional<Job> take(Handle h, Dialect dialect, JobQueue.Taker taker, long now) {
        // TAKEABLE's :w is the worker's own id: only a named poll's worker brings its labels.
        String which = taker.labelsOf() != null ? TAKEABLE : UNLABELLED;
        if (dialect == Dialect.POSTGRESQL) {
            // The room check does not depend on the row, so it runs once, before the pending index is read.
            String pick = nextOf(taker.maxJobs() == null ? which : which + " AND " + ROOM);
            // A scalar subquery, so the update finds its row by primary key whatever the statistics say.
            Query take = h.createQuery("WITH picked AS (" + pick + ") " + START + "WHERE id = (SELECT id FROM picked) "
                            + "AND status = 'pending' RETURNING " + COLUMNS)
                    .bind("w", taker.workerId()).bind("address", taker.address()).bind("now", now);
            if (taker.maxJobs() != null) {
                take.bind("max", taker.maxJobs());
            }
            return take.map(JobStore::row).findOne();
        }
        if (taker.maxJobs() != null && h.createQuery("SELECT CASE WHEN " + ROOM + " THEN 1 ELSE 0 END")
                .bind("w", taker.workerId()).bind("max", taker.maxJobs()).mapTo(Integer.class).one() == 0) {
            return Optional.empty();
        }
        return nextPendingOnH2(h, taker.labelsOf()).flatMap(id -> start(h, id, taker.workerId(), taker.address(), now));
    }

    static String nextOf(String which) {
        return "SELECT id FROM jobs WHERE " + which + " ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED";
    }

    /** H2's start of a job {@link #nextPending} found: the job as it now is, or empty when no longer pending. */
    private static Optional<Job> start(Handle h, String jobId, String workerId, String claimAddress, long now) {
        return h.createUpdate(START + "WHERE id = :id AND status = 'pending'")
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

    /** The attempt a worker completed, and when it had started. */
    record Completed(int attempt, Long startedAt) {
    }

    /**
     * {@link #complete}, when the job is running on {@code workerId} (and on {@code attempt},
     * when given): what was completed, or empty when the job is not that worker's now.
     */
    static Optional<Completed> completeIfAssigned(Handle h, String jobId, String workerId, Integer attempt, String stdout,
                                                String stderr, int exitCode, long now) {
        if (workerId == null) {
            return Optional.empty();
        }
        return bindComplete(h.createUpdate(COMPLETE_IF_ASSIGNED), jobId, workerId, attempt, stdout, stderr, exitCode, now)
                .executeAndReturnGeneratedKeys("attempt", "started_at").map(JobStore::completed).findOne();
    }

    /**
     * {@link #completeIfAssigned} and the completion's history in one statement, without a
     * transaction of its own: PostgreSQL only. Empty as there.
     */
    static Optional<Completed> completeIfAssignedOnPostgres(Handle h, String jobId, String workerId, Integer attempt,
                                                            String stdout, String stderr, int exitCode, long now) {
        if (workerId == null) {
            return Optional.empty();
        }
        Query complete = h.createQuery("WITH t AS (" + COMPLETE_IF_ASSIGNED + " RETURNING id, attempt, started_at), "
                + JobEvents.historyOf("t") + " SELECT attempt, started_at FROM t");
        return StatusData.bind(bindComplete(complete, jobId, workerId, attempt, stdout, stderr, exitCode, now),
                Job.COMPLETED, workerId, exitCode, null, now).map(JobStore::completed).findOne();
    }

    private static final String COMPLETE_IF_ASSIGNED = "UPDATE jobs SET status = 'completed', exit_code = :exitCode, "
            + "error_message = NULL, completed_at = :now, deadline_at = NULL, stdout = COALESCE(:stdout, stdout), "
            + "stderr = COALESCE(:stderr, stderr) WHERE id = :id AND status = 'running' AND worker_id = :w "
            + "AND (:attempt IS NULL OR attempt = :attempt)";

    private static <S extends SqlStatement<S>> S bindComplete(S statement, String jobId, String workerId,
                                                              Integer attempt, String stdout, String stderr,
                                                              int exitCode, long now) {
        return statement.bind("id", jobId).bind("w", workerId).bind("attempt", attempt).bind("exitCode", exitCode)
                .bind("now", now).bind("stdout", stdout).bind("stderr", stderr);
    }

    private static Completed completed(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Completed(rs.getInt("attempt"), Columns.longOrNull(rs, "started_at"));
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
        return eventsAfter(h, Map.of(jobId, afterId), limit, null);
    }

    /** Each job's events after its own id, together oldest first; up to the bound when there is one. */
    static List<JobEvent> eventsAfter(Handle h, Map<String, Long> positions, int limit, Horizon.Bound bound) {
        return KeyedAfter.read(h, "SELECT id, job_id, kind, data, created_at FROM job_events", "job_id", positions, limit,
                bound, (rs, ctx) -> new JobEvent(rs.getLong("id"), rs.getString("job_id"), rs.getString("kind"),
                        rs.getString("data"), rs.getLong("created_at")));
    }

    static Job row(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Job(rs.getString("id"), rs.getLong("seq"), rs.getString("command"), rs.getString("file_url"),
                rs.getString("filename"), rs.getString("status"), rs.getString("worker_id"), rs.getInt("attempt"),
                rs.getInt("max_attempts"), rs.getInt("timeout_seconds"), rs.getString("stdout"),
                rs.getString("stderr"), Columns.intOrNull(rs, "exit_code"), rs.getString("error_message"),
                rs.getLong("created_at"), Columns.longOrNull(rs, "started_at"), Columns.longOrNull(rs, "deadline_at"),
                Columns.longOrNull(rs, "completed_at"), Labels.fromCanonical(rs.getString("labels")));
    }
}
