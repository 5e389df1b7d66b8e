package dev.vectis.jobs;

import dev.vectis.error.ConflictException;
import dev.vectis.error.ForbiddenException;
import dev.vectis.error.InvalidInputException;
import java.time.Clock;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * What workers report about the jobs they run: live output, the result, a failure. Every
 * report is checked against the job's current assignment under its row lock, so a late
 * report from an earlier attempt, or for a finished job, changes nothing.
 */
public final class JobResults {

    private final Jdbi jdbi;
    private final Clock clock;
    private final JobEvents events;
    private final long outputCap;

    public JobResults(Jdbi jdbi, Clock clock, JobEvents events, long outputCap) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.events = events;
        this.outputCap = outputCap;
    }

    /**
     * The job ran to its end. The spec marks it completed whatever the exit code; the code
     * tells success. Output sent here replaces what was streamed (it is the whole of it).
     */
    public void complete(String jobId, String workerId, Integer attempt, String stdout, String stderr, int exitCode) {
        long now = clock.millis();
        String out = stdout == null ? null : OutputText.capped(stdout, outputCap);
        String err = stderr == null ? null : OutputText.capped(stderr, outputCap);
        if (events.onPostgres()) {
            // The usual report, from the worker running the job, and its history: one statement.
            Optional<JobStore.Completed> ran = jdbi.withHandle(h -> JobStore.completeIfAssignedOnPostgres(h, jobId,
                    workerId, attempt, out, err, exitCode, now));
            if (ran.isPresent()) {
                events.ended(Job.COMPLETED, exitCode, null, now, ran.get().startedAt());
                events.fire(0);
                return;
            }
        }
        jdbi.useTransaction(h -> {
            // The usual report, from the worker running the job, is one conditional update; any
            // other is read under the row lock first, to be refused or attributed as check says.
            Optional<JobStore.Completed> ran = JobStore.completeIfAssigned(h, jobId, workerId, attempt, out, err,
                    exitCode, now);
            if (ran.isPresent()) {
                events.status(h, jobId, Job.COMPLETED, workerId, ran.get().attempt(), exitCode, null, now,
                        ran.get().startedAt());
            } else {
                int done = assigned(h, jobId, workerId, attempt).attempt();
                JobStore.complete(h, jobId, out, err, exitCode, now);
                events.status(h, jobId, Job.COMPLETED, workerId, done, exitCode, null, now);
            }
        });
        events.fire(0);
    }

    /** The worker could not run the job (download failed, …). */
    public void fail(String jobId, String workerId, Integer attempt, String errorMessage) {
        long now = clock.millis();
        String message = errorMessage == null || errorMessage.isBlank() ? "Job failed" : errorMessage;
        jdbi.useTransaction(h -> {
            JobStore.Assignment job = assigned(h, jobId, workerId, attempt);
            JobStore.finish(h, jobId, Job.FAILED, null, message, now);
            events.status(h, jobId, Job.FAILED, workerId, job.attempt(), null, message, now);
        });
        events.fire(0);
    }

    /**
     * Appends live output. Returns true when the job was cancelled, so the worker stops;
     * output for a job that is no longer this worker's is refused like a late result.
     */
    public boolean appendOutput(String jobId, String workerId, Integer attempt, String stream, String data) {
        if (!stream.equals("stdout") && !stream.equals("stderr")) {
            throw new InvalidInputException("type", "type must be stdout or stderr");
        }
        long now = clock.millis();
        boolean[] added = {false};
        boolean cancelled = jdbi.inTransaction(h -> {
            added[0] = false; // a retried attempt starts over
            // Only the assignment and the stream's length are read; the text is appended in SQL,
            // so a long-running job's output is not shipped back and forth with every chunk.
            JobStore.Assignment current = JobStore.lockAssignment(h, jobId, stream).orElseThrow(JobQueue::notFound);
            if (Job.CANCELLED.equals(current.status())) {
                return true;
            }
            check(h, jobId, current.status(), current.workerId(), current.attempt(), workerId, attempt);
            String addition = OutputText.addition(current.outputLength(), data, outputCap);
            if (!addition.isEmpty()) {
                JobStore.appendOutput(h, jobId, stream, addition);
                events.output(h, jobId, stream, addition, now);
                added[0] = true;
            }
            return false;
        });
        if (added[0]) {
            events.outputAdded();
        }
        return cancelled;
    }

    private JobStore.Assignment assigned(Handle h, String jobId, String workerId, Integer attempt) {
        JobStore.Assignment job = JobStore.lockAssignment(h, jobId).orElseThrow(JobQueue::notFound);
        check(h, jobId, job.status(), job.workerId(), job.attempt(), workerId, attempt);
        return job;
    }

    /**
     * Refuses a report the job's assignment does not allow. A job held for an anonymous
     * poll's address becomes the worker's that first reports on it, naming itself.
     */
    private void check(Handle h, String jobId, String status, String assignedTo, int currentAttempt, String workerId,
                       Integer attempt) {
        boolean held = Job.RUNNING.equals(status) && assignedTo == null;
        // workerId null: the caller did not say who it is (stream-output allows that). A job
        // returned to the queue has no worker, so a late report from its old one is also 403.
        if (workerId != null && !workerId.equals(assignedTo) && !(held && AnonymousPolls.mayTake(h, workerId, jobId))) {
            throw new ForbiddenException("NOT_ASSIGNED", "Worker is not assigned to this job");
        }
        if (!Job.RUNNING.equals(status)) {
            throw new ConflictException("JOB_NOT_RUNNING", "Job is already " + status);
        }
        if (attempt != null && attempt != currentAttempt) {
            throw new ConflictException("STALE_ATTEMPT",
                    "This report is for attempt " + attempt + ", but the job is on attempt " + currentAttempt);
        }
        if (held && workerId != null) {
            JobStore.attribute(h, jobId, workerId);
            events.status(h, jobId, Job.RUNNING, workerId, currentAttempt, null, null, clock.millis());
            h.afterCommit(() -> events.fire(0));
        }
    }
}
