package dev.vectis.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.db.Dialect;
import dev.vectis.events.EventLog;
import dev.vectis.events.NewEvent;
import dev.vectis.events.Signal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * Writes a job's history next to each state change (same transaction), and wakes this
 * node's waiters: pollers when work appears, stream readers when anything happens.
 */
public final class JobEvents {

    private final ObjectMapper mapper = new ObjectMapper();
    private final EventLog log;
    private final Dialect dialect;
    private final Pollers pollers = new Pollers();
    private final Signal changed = new Signal();
    private final List<IntConsumer> newWork = new CopyOnWriteArrayList<>();
    private final List<Finished> finished = new CopyOnWriteArrayList<>();
    private final List<Runnable> requeued = new CopyOnWriteArrayList<>();
    private volatile boolean closing;

    public JobEvents(EventLog log, Dialect dialect) {
        this.log = log;
        this.dialect = dialect;
    }

    /**
     * The job's history row of a status change, as a WITH clause: on PostgreSQL it goes into
     * the same statement as the operator log's event ({@link EventLog#INSERT}), one round trip
     * for both. Bound by {@link #bindStatus}.
     */
    static final String HISTORY_ROW = "je AS (INSERT INTO job_events (job_id, kind, data, created_at) "
            + "VALUES (:jeJob, 'status', :jeData, :jeNow))";

    /**
     * A status change's two rows (history and operator log) for the job a data-modifying WITH
     * clause {@code changed} returned, with its {@code id} and {@code attempt}: for statements
     * that learn the attempt as they make the change, so the change and its record are one
     * round trip. The data is {@link StatusData}'s text. Bound by {@link StatusData#bind}.
     */
    static String historyOf(String changed) {
        String data = StatusData.sql(changed);
        return "je AS (INSERT INTO job_events (job_id, kind, data, created_at) SELECT " + changed + ".id, 'status', "
                + data + ", :jeNow FROM " + changed + "), ev AS (" + EventLog.insertFrom("SELECT :jeType, 'executor', "
                + ":jeWorker, NULL, NULL, TRUE, " + data + ", NULL, :jeNow FROM " + changed) + ")";
    }

    void status(Handle h, String jobId, String status, String workerId, int attempt, Integer exitCode,
                String errorMessage, long now) {
        status(h, jobId, status, workerId, attempt, exitCode, errorMessage, now, null);
    }

    /** As above; {@code startedAt}, when the caller has it, spares reading an ended job's start. */
    void status(Handle h, String jobId, String status, String workerId, int attempt, Integer exitCode,
                String errorMessage, long now, Long startedAt) {
        if (dialect == Dialect.POSTGRESQL) {
            bindStatus(h.createUpdate("WITH " + HISTORY_ROW + " " + EventLog.INSERT), jobId, status, workerId, attempt,
                    exitCode, errorMessage, now).execute();
        } else {
            Map<String, Object> data = new StatusData(jobId, status, workerId, attempt, exitCode, errorMessage, now).map();
            JobStore.addEvent(h, jobId, "status", json(data), now);
            log.append(h, NewEvent.of("job." + status, "executor", workerId, data));
        }
        tell(h, jobId, status, attempt, exitCode, errorMessage, now, startedAt);
    }

    /** Binds a statement holding {@link #HISTORY_ROW} and {@link EventLog#INSERT}: a status change's two rows. */
    <S extends SqlStatement<S>> S bindStatus(S statement, String jobId, String status, String workerId, int attempt,
                                             Integer exitCode, String errorMessage, long now) {
        Map<String, Object> data = new StatusData(jobId, status, workerId, attempt, exitCode, errorMessage, now).map();
        statement.bind("jeJob", jobId).bind("jeData", json(data)).bind("jeNow", now);
        return log.bind(statement, NewEvent.of("job." + status, "executor", workerId, data));
    }

    /** After the commit: an ended job to the finished listeners, a retry to the requeued ones. */
    private void tell(Handle h, String jobId, String status, int attempt, Integer exitCode, String errorMessage,
                      long now, Long knownStart) {
        if (JobOutcome.of(status, exitCode, errorMessage) != null && !finished.isEmpty()) {
            Long startedAt = knownStart != null ? knownStart : h.createQuery("SELECT started_at FROM jobs WHERE id = :id")
                    .bind("id", jobId).mapTo(Long.class).findOne().orElse(null);
            h.afterCommit(() -> ended(status, exitCode, errorMessage, now, startedAt));
        } else if (Job.PENDING.equals(status) && attempt > 0 && !requeued.isEmpty()) {
            h.afterCommit(() -> requeued.forEach(Runnable::run));
        }
    }

    boolean onPostgres() {
        return dialect == Dialect.POSTGRESQL;
    }

    /** Tells the listeners of ended jobs, once the change that ended one has committed. */
    void ended(String status, Integer exitCode, String errorMessage, long now, Long startedAt) {
        JobOutcome outcome = JobOutcome.of(status, exitCode, errorMessage);
        if (outcome != null) {
            Long ran = startedAt == null ? null : Math.max(0, now - startedAt);
            finished.forEach(l -> l.finished(outcome, ran));
        }
    }

    /** What listeners of ended jobs hear; {@code ranMillis} is null for a job that never started. */
    public interface Finished {
        void finished(JobOutcome outcome, Long ranMillis);
    }

    /** Runs {@code listener} after each commit that ended a job; it must return at once. */
    public void onFinished(Finished listener) {
        finished.add(listener);
    }

    /** Runs {@code listener} after each commit that put a job whose worker was lost back in the queue. */
    public void onRequeued(Runnable listener) {
        requeued.add(listener);
    }

    void output(Handle h, String jobId, String stream, String text, long now) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("jobId", jobId);
        data.put("type", stream);
        data.put("data", text);
        data.put("timestamp", now);
        JobStore.addEvent(h, jobId, "output", json(data), now);
    }

    public List<JobEvent> after(Handle h, String jobId, long afterId, int limit) {
        return JobStore.eventsAfter(h, jobId, afterId, limit);
    }

    /** Long polls waiting for a job; each new pending job wakes one. */
    Pollers pollers() {
        return pollers;
    }

    /** Fired after any job changed: event streams look again. */
    public Signal changed() {
        return changed;
    }

    /** Runs {@code listener} with the number of jobs each commit here made pending; it must return at once. */
    public void onNewWork(IntConsumer listener) {
        newWork.add(listener);
    }

    /** {@code jobs} became pending on another node: wakes as many of this node's waiting polls. */
    public void pendingElsewhere(int jobs) {
        pollers.offer(jobs);
    }

    /** Anything may have changed (this node missed what other nodes said): every waiting poll looks again. */
    public void wakeEveryPoll() {
        pollers.wakeAll();
    }

    /** Ends long polls and streams promptly, so a shutdown does not wait for them. */
    public void close() {
        closing = true;
        pollers.wakeAll();
        fire(0);
    }

    public boolean closing() {
        return closing;
    }

    /** Output only concerns this job's readers: no new work, nothing in the event log. */
    void outputAdded() {
        changed.fire();
    }

    /** After a commit that made {@code newJobs} jobs pending (0: other changes). */
    void fire(int newJobs) {
        pollers.offer(newJobs);
        if (newJobs > 0) {
            newWork.forEach(l -> l.accept(newJobs));
        }
        changed.fire();
        log.notifyAppended();
    }

    private String json(Map<String, Object> data) {
        try {
            return mapper.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers always serializes", e);
        }
    }
}
