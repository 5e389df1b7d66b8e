package dev.vectis.jobs;

import dev.vectis.db.Page;
import dev.vectis.error.ConflictException;
import dev.vectis.error.NotFoundException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The durable job queue: enqueue, claim (one transaction, SKIP LOCKED), read, cancel.
 * A job runs on at most one worker at a time; each claim starts a new attempt.
 */
public final class JobQueue {

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final Duration MAX_SLICE = Duration.ofSeconds(1);

    private final Jdbi jdbi;
    private final Clock clock;
    private final JobEvents events;
    private final int defaultTimeoutSeconds;
    private final SecureRandom random = new SecureRandom();

    public JobQueue(Jdbi jdbi, Clock clock, JobEvents events, Duration defaultTimeout) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.events = events;
        this.defaultTimeoutSeconds = (int) defaultTimeout.toSeconds();
    }

    public Job create(NewJob job) {
        long now = clock.millis();
        String id = newId(now);
        int maxAttempts = job.maxAttempts() == null ? 1 : job.maxAttempts();
        int timeout = job.timeoutSeconds() == null ? defaultTimeoutSeconds : job.timeoutSeconds();
        Job created = jdbi.inTransaction(h -> {
            JobStore.insert(h, id, job, maxAttempts, timeout, now);
            events.status(h, id, Job.PENDING, null, 0, null, null, now);
            return JobStore.find(h, id).orElseThrow();
        });
        events.fire(true);
        return created;
    }

    /**
     * Hands the oldest pending job to the worker. With no worker named, the spec's rule
     * applies: the first idle online worker gets it.
     */
    public Claim claim(String workerId) {
        long now = clock.millis();
        Claim claim = jdbi.inTransaction(h -> {
            String worker = workerId;
            if (worker == null) {
                Optional<String> idle = firstIdleWorker(h);
                if (idle.isEmpty()) {
                    return Claim.of(Claim.Outcome.NO_IDLE_WORKER);
                }
                worker = idle.get();
            } else {
                // The worker's row lock serializes its own concurrent polls, so max_jobs holds.
                Optional<Integer> maxJobs = h.createQuery("SELECT max_jobs FROM workers WHERE id = :id FOR UPDATE")
                        .bind("id", worker).mapTo(Integer.class).findOne();
                if (maxJobs.isEmpty()) {
                    throw new NotFoundException("WORKER_NOT_FOUND", "Worker not found");
                }
                if (JobStore.runningOn(h, worker) >= maxJobs.get()) {
                    return Claim.of(Claim.Outcome.WORKER_BUSY);
                }
            }
            Optional<String> jobId = JobStore.nextPending(h);
            if (jobId.isEmpty() || !JobStore.start(h, jobId.get(), worker, now)) {
                return Claim.of(Claim.Outcome.NO_JOB);
            }
            Job job = JobStore.find(h, jobId.get()).orElseThrow();
            events.status(h, job.id(), Job.RUNNING, worker, job.attempt(), null, null, now);
            return new Claim(Claim.Outcome.CLAIMED, job);
        });
        if (claim.outcome() == Claim.Outcome.CLAIMED) {
            events.fire(false);
        }
        return claim;
    }

    /** Like {@link #claim}, but waits up to {@code wait} for a job to appear. */
    public Claim claim(String workerId, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long seen = events.workAvailable().version();
            Claim claim = claim(workerId);
            long left = deadline - System.nanoTime();
            if (claim.outcome() != Claim.Outcome.NO_JOB || left <= 0 || events.closing()) {
                return claim;
            }
            // Short slices: a job enqueued on another node has no way to wake us.
            events.workAvailable().await(seen, Duration.ofNanos(Math.min(left, MAX_SLICE.toNanos())));
        }
    }

    public Job get(String jobId) {
        return jdbi.withHandle(h -> JobStore.find(h, jobId)).orElseThrow(JobQueue::notFound);
    }

    public Page<Job> list(Long afterSeq, int limit) {
        return jdbi.withHandle(h -> {
            // One row more than asked tells whether a next page exists, so the last page has no cursor.
            List<Job> items = JobStore.page(h, afterSeq, limit + 1);
            boolean more = items.size() > limit;
            items = more ? items.subList(0, limit) : items;
            String next = more ? Long.toString(items.get(limit - 1).seq()) : null;
            return new Page<>(items, JobStore.count(h), next);
        });
    }

    /** Pending or running → cancelled; the worker learns it from check-cancel or stream-output. */
    public Job cancel(String jobId) {
        long now = clock.millis();
        Job job = jdbi.inTransaction(h -> {
            Job current = JobStore.lock(h, jobId).orElseThrow(JobQueue::notFound);
            if (current.finished()) {
                throw new ConflictException("JOB_FINISHED", "Job is already " + current.status());
            }
            JobStore.finish(h, jobId, Job.CANCELLED, null, "Cancelled", now);
            events.status(h, jobId, Job.CANCELLED, current.workerId(), current.attempt(), null, "Cancelled", now);
            return JobStore.find(h, jobId).orElseThrow();
        });
        events.fire(false);
        return job;
    }

    public boolean isCancelled(String jobId) {
        return Job.CANCELLED.equals(get(jobId).status());
    }

    public List<JobEvent> eventsAfter(String jobId, long afterId, int limit) {
        return jdbi.withHandle(h -> events.after(h, jobId, afterId, limit));
    }

    public JobEvents events() {
        return events;
    }

    private static Optional<String> firstIdleWorker(Handle h) {
        return h.createQuery("SELECT w.id FROM workers w WHERE w.online = TRUE "
                        + "AND w.enrolled_via IN ('executor', 'fleet') AND NOT EXISTS "
                        + "(SELECT 1 FROM jobs j WHERE j.worker_id = w.id AND j.status = 'running') "
                        + "ORDER BY w.created_at, w.id LIMIT 1 FOR UPDATE SKIP LOCKED")
                .mapTo(String.class).findOne();
    }

    /** The spec's shape: {@code job-<epoch ms>-<random>}. */
    private String newId(long now) {
        StringBuilder id = new StringBuilder("job-").append(now).append('-');
        for (int i = 0; i < 8; i++) {
            id.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }

    static NotFoundException notFound() {
        return new NotFoundException("JOB_NOT_FOUND", "Job not found");
    }
}
