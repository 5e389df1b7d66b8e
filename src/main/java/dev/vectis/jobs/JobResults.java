package dev.vectis.jobs;

import dev.vectis.error.ConflictException;
import dev.vectis.error.ForbiddenException;
import dev.vectis.error.InvalidInputException;
import java.time.Clock;
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
        jdbi.useTransaction(h -> {
            Job job = assigned(h, jobId, workerId, attempt);
            JobStore.setOutput(h, jobId,
                    stdout == null ? job.stdout() : OutputText.capped(stdout, outputCap),
                    stderr == null ? job.stderr() : OutputText.capped(stderr, outputCap));
            JobStore.finish(h, jobId, Job.COMPLETED, exitCode, null, now);
            events.status(h, jobId, Job.COMPLETED, workerId, job.attempt(), exitCode, null, now);
        });
        events.fire(false);
    }

    /** The worker could not run the job (download failed, …). */
    public void fail(String jobId, String workerId, Integer attempt, String errorMessage) {
        long now = clock.millis();
        String message = errorMessage == null || errorMessage.isBlank() ? "Job failed" : errorMessage;
        jdbi.useTransaction(h -> {
            Job job = assigned(h, jobId, workerId, attempt);
            JobStore.finish(h, jobId, Job.FAILED, null, message, now);
            events.status(h, jobId, Job.FAILED, workerId, job.attempt(), null, message, now);
        });
        events.fire(false);
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
        boolean cancelled = jdbi.inTransaction(h -> {
            Job current = JobStore.lock(h, jobId).orElseThrow(JobQueue::notFound);
            if (Job.CANCELLED.equals(current.status())) {
                return true;
            }
            Job job = check(current, workerId, attempt);
            String existing = stream.equals("stdout") ? job.stdout() : job.stderr();
            String added = OutputText.addition(existing.length(), data, outputCap);
            if (!added.isEmpty()) {
                JobStore.setOutput(h, jobId,
                        stream.equals("stdout") ? existing + added : job.stdout(),
                        stream.equals("stderr") ? existing + added : job.stderr());
                events.output(h, jobId, stream, added, now);
            }
            return false;
        });
        events.fire(false);
        return cancelled;
    }

    private Job assigned(Handle h, String jobId, String workerId, Integer attempt) {
        return check(JobStore.lock(h, jobId).orElseThrow(JobQueue::notFound), workerId, attempt);
    }

    private static Job check(Job job, String workerId, Integer attempt) {
        // workerId null: the caller did not say who it is (stream-output allows that).
        if (workerId != null && job.workerId() != null && !job.workerId().equals(workerId)) {
            throw new ForbiddenException("NOT_ASSIGNED", "Worker is not assigned to this job");
        }
        if (!Job.RUNNING.equals(job.status())) {
            throw new ConflictException("JOB_NOT_RUNNING", "Job is already " + job.status());
        }
        if (attempt != null && attempt != job.attempt()) {
            throw new ConflictException("STALE_ATTEMPT",
                    "This report is for attempt " + attempt + ", but the job is on attempt " + job.attempt());
        }
        return job;
    }
}
