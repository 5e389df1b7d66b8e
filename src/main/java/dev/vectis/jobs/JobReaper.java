package dev.vectis.jobs;

import dev.vectis.workers.OfflineListener;
import java.time.Clock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Frees jobs nobody will finish: those whose worker went silent, and those past their timeout. */
public final class JobReaper implements OfflineListener {

    private static final Logger LOG = LoggerFactory.getLogger(JobReaper.class);
    static final String WORKER_LOST = "worker lost";
    static final String TIMED_OUT = "timed out";

    private final Jdbi jdbi;
    private final Clock clock;
    private final JobEvents events;

    public JobReaper(Jdbi jdbi, Clock clock, JobEvents events) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.events = events;
    }

    /** A running job of a lost worker goes back to pending while it has attempts left, else fails. */
    @Override
    public void workerOffline(Handle h, String workerId, long now) {
        boolean requeued = false;
        boolean changed = false;
        for (String jobId : JobStore.runningIdsOf(h, workerId)) {
            Job job = JobStore.lock(h, jobId).orElseThrow();
            if (!Job.RUNNING.equals(job.status()) || !workerId.equals(job.workerId())) {
                continue;
            }
            if (job.attempt() < job.maxAttempts()) {
                JobStore.requeue(h, jobId);
                events.status(h, jobId, Job.PENDING, null, job.attempt(), null,
                        WORKER_LOST + "; retrying (attempt " + job.attempt() + " of " + job.maxAttempts() + " used)", now);
                requeued = true;
                changed = true;
                LOG.info("Job {} returned to the queue: worker {} lost", jobId, workerId);
            } else {
                JobStore.finish(h, jobId, Job.FAILED, null, WORKER_LOST, now);
                events.status(h, jobId, Job.FAILED, workerId, job.attempt(), null, WORKER_LOST, now);
                changed = true;
                LOG.info("Job {} failed: worker {} lost", jobId, workerId);
            }
        }
        if (changed) {
            // Wake pollers once the requeue is visible, not while its row is still locked.
            boolean newWork = requeued;
            h.afterCommit(() -> events.fire(newWork));
        }
    }

    /**
     * A worker registering again has restarted, so the jobs it was running are gone with the
     * old process: they are retried or failed now instead of blocking it until their timeout.
     */
    public void workerRestarted(String workerId) {
        long now = clock.millis();
        jdbi.useTransaction(h -> workerOffline(h, workerId, now));
    }

    /** Fails running jobs past their deadline. */
    public int expireOverdue() {
        long now = clock.millis();
        int expired = jdbi.inTransaction(h -> {
            int n = 0;
            for (String jobId : JobStore.overdue(h, now)) {
                Job job = JobStore.lock(h, jobId).orElseThrow();
                if (Job.RUNNING.equals(job.status()) && job.deadlineAt() != null && job.deadlineAt() < now) {
                    JobStore.finish(h, jobId, Job.FAILED, null, TIMED_OUT, now);
                    events.status(h, jobId, Job.FAILED, job.workerId(), job.attempt(), null, TIMED_OUT, now);
                    n++;
                }
            }
            return n;
        });
        if (expired > 0) {
            events.fire(false);
        }
        return expired;
    }
}
