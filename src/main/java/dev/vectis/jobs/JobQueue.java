package dev.vectis.jobs;

import dev.vectis.db.Dialect;
import dev.vectis.db.Page;
import dev.vectis.error.ConflictException;
import dev.vectis.error.NotFoundException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The durable job queue: enqueue, claim (one transaction, SKIP LOCKED), read, cancel.
 * A job runs on at most one worker at a time; each claim starts a new attempt. A poll names
 * its worker, or comes from an address (the spec's agents poll without identity).
 */
public final class JobQueue {

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final Jdbi jdbi;
    private final Dialect dialect;
    private final Clock clock;
    private final JobEvents events;
    private final int defaultTimeoutSeconds;
    private final SecureRandom random = new SecureRandom();
    /** How often a waiting poll looks again unwoken: another node's news of a job may have been lost. */
    private volatile Duration recheck = Duration.ofSeconds(1);

    public JobQueue(Jdbi jdbi, Dialect dialect, Clock clock, JobEvents events, Duration defaultTimeout) {
        this.jdbi = jdbi;
        this.dialect = dialect;
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
            long seq = JobStore.insert(h, id, job, maxAttempts, timeout, now);
            events.status(h, id, Job.PENDING, null, 0, null, null, now);
            return new Job(id, seq, job.command(), job.fileUrl(), job.filename(), Job.PENDING, null, 0, maxAttempts,
                    timeout, "", "", null, null, now, null, null, null);
        });
        events.fire(1);
        return created;
    }

    /** Hands the oldest pending job to the worker that polled, naming itself. */
    public Claim claim(String workerId) {
        return claim(new Placement() {
            @Override
            public Optional<Claim.Outcome> refusal(Handle h) {
                Load load = JobStore.load(h, workerId).orElseThrow(
                        () -> new NotFoundException("WORKER_NOT_FOUND", "Worker not found"));
                if (!load.namesItself()) {
                    // From now on anonymous polls from its address are not taken for it.
                    h.createUpdate("UPDATE workers SET names_itself = TRUE WHERE id = :id").bind("id", workerId).execute();
                }
                if (!load.takesWork()) {
                    return Optional.of(Claim.Outcome.WORKER_PAUSED);
                }
                return load.running() >= load.maxJobs() ? Optional.of(Claim.Outcome.WORKER_BUSY) : Optional.empty();
            }

            @Override
            public Optional<Taker> taker(Handle h) {
                // The worker's row lock serializes its own concurrent polls, so max_jobs holds.
                h.createQuery("SELECT id FROM workers WHERE id = :id FOR UPDATE").bind("id", workerId)
                        .mapTo(String.class).findOne();
                Load load = JobStore.load(h, workerId).orElseThrow(
                        () -> new NotFoundException("WORKER_NOT_FOUND", "Worker not found"));
                return !load.takesWork() || load.running() >= load.maxJobs() ? Optional.empty()
                        : Optional.of(new Taker(workerId, null));
            }
        }, Claim.Outcome.WORKER_BUSY);
    }

    /** A poll that names no worker, from {@code address}: placed as {@link AnonymousPolls} says. */
    public Claim claimFrom(String address) {
        return claim(new Placement() {
            @Override
            public Optional<Claim.Outcome> refusal(Handle h) {
                return AnonymousPolls.hasRoom(h, address) ? Optional.empty() : Optional.of(Claim.Outcome.NO_IDLE_WORKER);
            }

            @Override
            public Optional<Taker> taker(Handle h) {
                return AnonymousPolls.place(h, address);
            }
        }, Claim.Outcome.NO_IDLE_WORKER);
    }

    /** Like {@link #claim(String)}, but waits up to {@code wait} for a job to appear. */
    public Claim claim(String workerId, Duration wait) throws InterruptedException {
        return waitFor(() -> claim(workerId), wait);
    }

    /** Like {@link #claimFrom(String)}, but waits up to {@code wait} for a job to appear. */
    public Claim claimFrom(String address, Duration wait) throws InterruptedException {
        return waitFor(() -> claimFrom(address), wait);
    }

    /** Who takes the job: a worker, or (worker null) the address it is held for. */
    record Taker(String workerId, String address) {
    }

    /** A worker's limit, what it runs now, and whether an operator lets it take work (docs/fleet.md). */
    record Load(int maxJobs, int running, boolean namesItself, boolean takesWork) {
    }

    /**
     * Who may take a job, asked in two steps so that a poll finding nothing to do locks
     * nothing and writes nothing: first without locks, then under them once a job is in hand.
     */
    private interface Placement {
        /** Why this poll cannot take a job now, read without locks; empty when it may. */
        Optional<Claim.Outcome> refusal(Handle h);

        /** Under the locks that make the decision hold: who takes the job, or empty when there is no room. */
        Optional<Taker> taker(Handle h);
    }

    private Claim claim(Placement placement, Claim.Outcome full) {
        long now = clock.millis();
        Claim claim = jdbi.inTransaction(h -> {
            Optional<Claim.Outcome> refused = placement.refusal(h);
            if (refused.isPresent()) {
                return Claim.of(refused.get());
            }
            Optional<String> jobId = JobStore.nextPending(h, dialect);
            if (jobId.isEmpty()) {
                return Claim.of(Claim.Outcome.NO_JOB);
            }
            Optional<Taker> who = placement.taker(h);
            if (who.isEmpty()) {
                return Claim.of(full);
            }
            Optional<Job> started = JobStore.start(h, jobId.get(), who.get().workerId(), who.get().address(), now);
            if (started.isEmpty()) {
                return Claim.of(Claim.Outcome.NO_JOB);
            }
            Job job = started.get();
            events.status(h, job.id(), Job.RUNNING, job.workerId(), job.attempt(), null, null, now);
            return new Claim(Claim.Outcome.CLAIMED, job);
        });
        if (claim.outcome() == Claim.Outcome.CLAIMED) {
            events.fire(0);
        }
        return claim;
    }

    /**
     * A paused worker's poll (drained, disabled…) waits like one that found no job, but out of
     * line: new jobs wake polls that can take them, and it looks again at each re-check or when
     * this node is told to look (a resume), answering "no job" if its time runs out.
     */
    private Claim waitFor(Supplier<Claim> poll, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        Pollers pollers = events.pollers();
        Pollers.Waiter waiter = pollers.enlist();
        boolean spendingWake = false;
        while (true) {
            Claim claim = poll.get();
            long left = deadline - System.nanoTime();
            boolean paused = claim.outcome() == Claim.Outcome.WORKER_PAUSED;
            if (!paused && claim.outcome() != Claim.Outcome.NO_JOB || left <= 0 || events.closing()) {
                pollers.leave(waiter);
                if (spendingWake && claim.outcome() != Claim.Outcome.CLAIMED) {
                    // Woken for a job this poll cannot take (its worker filled up): another may.
                    pollers.offer(1);
                }
                return paused ? Claim.of(Claim.Outcome.NO_JOB) : claim;
            }
            if (paused != waiter.resting()) {
                pollers.leave(waiter);
                if (spendingWake) {
                    pollers.offer(1);
                }
                waiter = paused ? pollers.rest() : pollers.enlist();
            }
            waiter.await(Math.min(left, recheck.toNanos()));
            if (Thread.interrupted()) {
                pollers.leave(waiter);
                throw new InterruptedException();
            }
            // A resting poll is woken only with every other (wakeAll): no wake of its own to pass on.
            spendingWake = waiter.woken() && !waiter.resting();
            if (waiter.woken()) {
                // A new place in line catches work that appears while this poll looks.
                waiter = pollers.enlist();
            }
        }
    }

    /** For tests that count looks: only wakes make a waiting poll look again. */
    void recheckEvery(Duration every) {
        recheck = every;
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
        events.fire(0);
        return job;
    }

    public boolean isCancelled(String jobId) {
        return Job.CANCELLED.equals(get(jobId).status());
    }

    public List<JobEvent> eventsAfter(String jobId, long afterId, int limit) {
        return jdbi.withHandle(h -> events.after(h, jobId, afterId, limit));
    }

    /** The id of the job's newest event, 0 when it has none. */
    public long latestEvent(String jobId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(MAX(id), 0) FROM job_events WHERE job_id = :j")
                .bind("j", jobId).mapTo(Long.class).one());
    }

    /** For each job, its events after the given id; together oldest first: what its streams send. */
    public List<JobEvent> eventsAfter(Map<String, Long> positions, int limit) {
        return jdbi.withHandle(h -> JobStore.eventsAfter(h, positions, limit));
    }

    public JobEvents events() {
        return events;
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
