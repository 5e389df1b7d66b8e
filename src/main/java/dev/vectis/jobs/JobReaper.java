package dev.vectis.jobs;

import dev.vectis.workers.OfflineListener;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frees jobs nobody will finish: those whose worker went silent or restarted, those held for
 * an address where no worker that could have them is left, and those past their timeout.
 */
public final class JobReaper implements OfflineListener {

    private static final Logger LOG = LoggerFactory.getLogger(JobReaper.class);
    static final String WORKER_LOST = "worker lost";
    static final String WORKER_LEFT = "worker left";
    static final String TIMED_OUT = "timed out";

    private final Jdbi jdbi;
    private final Clock clock;
    private final JobEvents events;

    public JobReaper(Jdbi jdbi, Clock clock, JobEvents events) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.events = events;
    }

    /**
     * A running job of a lost worker goes back to pending while it has attempts left, else
     * fails. So do jobs held for an address where every worker that could have one is gone.
     */
    @Override
    public void workerOffline(Handle h, String workerId, long now) {
        release(h, workerId, Set.of(), WORKER_LOST, now);
    }

    /**
     * A worker that said it is leaving: its running jobs go back (or fail {@code "worker left"})
     * except those it says it is still finishing, which stay its own until it reports them.
     * The ids of the jobs released.
     */
    public List<String> workerLeft(Handle h, String workerId, Set<String> stillRunning, long now) {
        return release(h, workerId, stillRunning, WORKER_LEFT, now);
    }

    /** The worker's own jobs released, in the order they were claimed. */
    private List<String> release(Handle h, String workerId, Set<String> kept, String reason, long now) {
        List<String> released = new ArrayList<>();
        int lost = 0;
        int requeued = 0;
        String why = "worker " + workerId + (reason.equals(WORKER_LEFT) ? " left" : " lost");
        for (String jobId : JobStore.runningIdsOf(h, workerId)) {
            Job job = JobStore.lock(h, jobId).orElseThrow();
            if (Job.RUNNING.equals(job.status()) && workerId.equals(job.workerId()) && !kept.contains(jobId)) {
                requeued += lose(h, job, reason, why, now);
                released.add(jobId);
                lost++;
            }
        }
        for (String jobId : AnonymousPolls.orphans(h)) {
            Job job = JobStore.lock(h, jobId).orElseThrow();
            if (Job.RUNNING.equals(job.status()) && job.workerId() == null) {
                requeued += lose(h, job, WORKER_LOST, "no worker that polled from its address is left", now);
                lost++;
            }
        }
        if (lost > 0) {
            // Wake pollers once the requeue is visible, not while its row is still locked.
            int newWork = requeued;
            h.afterCommit(() -> events.fire(newWork));
        }
        return released;
    }

    /** Retries the job while it has attempts left, else fails it with {@code reason}; 1 when it went back to the queue. */
    private int lose(Handle h, Job job, String reason, String why, long now) {
        if (job.attempt() < job.maxAttempts()) {
            JobStore.requeue(h, job.id());
            events.status(h, job.id(), Job.PENDING, null, job.attempt(), null,
                    reason + "; retrying (attempt " + job.attempt() + " of " + job.maxAttempts() + " used)", now);
            LOG.info("Job {} returned to the queue: {}", job.id(), why);
            return 1;
        }
        JobStore.finish(h, job.id(), Job.FAILED, null, reason, now);
        events.status(h, job.id(), Job.FAILED, job.workerId(), job.attempt(), null, reason, now);
        LOG.info("Job {} failed: {}", job.id(), why);
        return 0;
    }

    /**
     * A worker registering again has restarted, so the jobs it was running are gone with the
     * old process: they are retried or failed now instead of blocking it until their timeout.
     * Jobs held for its address may have been among them.
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
            events.fire(0);
        }
        return expired;
    }
}
