package dev.vectis.jobs;

import dev.vectis.audit.AuditLog;
import dev.vectis.db.Dialect;
import dev.vectis.db.Horizon;
import dev.vectis.db.Page;
import dev.vectis.error.ConflictException;
import dev.vectis.error.NotFoundException;
import dev.vectis.events.EventLog;
import dev.vectis.workers.WorkerState;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

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
    private final Horizon eventHorizon;
    private final AuditLog auditLog;
    private final int defaultTimeoutSeconds;
    private final SecureRandom random = new SecureRandom();
    /** How often a waiting poll looks again unwoken: another node's news of a job may have been lost. */
    private volatile Duration recheck = Duration.ofSeconds(1);

    public JobQueue(Jdbi jdbi, Dialect dialect, Clock clock, JobEvents events, Duration defaultTimeout) {
        this.jdbi = jdbi;
        this.dialect = dialect;
        this.clock = clock;
        this.events = events;
        this.eventHorizon = Horizon.of(jdbi, "job_events");
        this.auditLog = new AuditLog(jdbi, clock);
        this.defaultTimeoutSeconds = (int) defaultTimeout.toSeconds();
    }

    public Job create(NewJob job) {
        return create(job, null);
    }

    /** {@code createdBy}: the token that asked (null: none), whose submitter alone may then read the job. */
    public Job create(NewJob job, String createdBy) {
        return create(job, createdBy, null);
    }

    /**
     * As above; {@code audit}, when not null, gives the audit entry of the call that asks, for
     * the new job's id: written with the job, in its statement or transaction.
     */
    public Job create(NewJob job, String createdBy, Function<String, AuditLog.Entry> audit) {
        long now = clock.millis();
        String id = newId(now);
        int maxAttempts = job.maxAttempts() == null ? 1 : job.maxAttempts();
        int timeout = job.timeoutSeconds() == null ? defaultTimeoutSeconds : job.timeoutSeconds();
        long seq = dialect == Dialect.POSTGRESQL && job.labels().isEmpty()
                // One statement, so one round trip and no transaction of its own: the job, the first
                // line of its history, the operator log's event and the audit entry. Labels add rows of their own.
                ? jdbi.withHandle(h -> {
                    Query insert = h.createQuery("WITH j AS (" + JobStore.INSERT + " RETURNING seq), "
                            + JobEvents.HISTORY_ROW + ", ev AS (" + EventLog.INSERT + ")"
                            + (audit == null ? "" : ", au AS (" + AuditLog.INSERT + ")") + " SELECT seq FROM j");
                    JobStore.bindInsert(insert, id, job, maxAttempts, timeout, createdBy, now);
                    events.bindStatus(insert, id, Job.PENDING, null, 0, null, null, now);
                    if (audit != null) {
                        auditLog.bind(insert, audit.apply(id));
                    }
                    return insert.mapTo(Long.class).one();
                })
                : jdbi.inTransaction(h -> {
                    long s = JobStore.insert(h, id, job, maxAttempts, timeout, createdBy, now);
                    events.status(h, id, Job.PENDING, null, 0, null, null, now);
                    if (audit != null) {
                        auditLog.append(h, audit.apply(id));
                    }
                    return s;
                });
        events.fire(1);
        return new Job(id, seq, job.command(), job.fileUrl(), job.filename(), Job.PENDING, null, 0, maxAttempts,
                timeout, "", "", null, null, now, null, null, null, job.labels());
    }

    /** Hands the oldest pending job to the worker that polled, naming itself. */
    public Claim claim(String workerId) {
        if (events.onPostgres()) {
            long now = clock.millis();
            Claim claim = jdbi.withHandle(h -> PgClaim.claim(h, workerId, now));
            if (claim.outcome() == Claim.Outcome.CLAIMED) {
                events.fire(0);
            }
            return claim;
        }
        return claim(new Placement() {
            private boolean labelled;

            @Override
            public Optional<Claim.Outcome> refusal(Handle h) {
                JobStore.Look look = JobStore.look(h, workerId).orElseThrow(
                        () -> new NotFoundException("WORKER_NOT_FOUND", "Worker not found"));
                labelled = look.labelled();
                if (!look.namesItself()) {
                    // From now on anonymous polls from its address are not taken for it.
                    h.createUpdate("UPDATE workers SET names_itself = TRUE WHERE id = :id").bind("id", workerId).execute();
                }
                if (look.left()) {
                    return Optional.of(Claim.Outcome.WORKER_LEFT);
                }
                if (!look.takesWork()) {
                    return Optional.of(Claim.Outcome.WORKER_PAUSED);
                }
                if (look.running() >= look.maxJobs()) {
                    return Optional.of(Claim.Outcome.WORKER_BUSY);
                }
                return look.work() ? Optional.empty() : Optional.of(Claim.Outcome.NO_JOB);
            }

            @Override
            public Optional<Taker> taker(Handle h) {
                // The worker's row lock serializes its own concurrent polls; the take counts its
                // running jobs after it, so max_jobs holds. A departure or a pause takes the same lock.
                return h.createQuery("SELECT w.max_jobs FROM workers w WHERE w.id = :id AND w.left_at IS NULL AND "
                                + WorkerState.takesWork("w") + " FOR UPDATE")
                        .bind("id", workerId).mapTo(Integer.class).findOne()
                        .map(max -> new Taker(workerId, null, max, labelled ? workerId : null));
            }
        }, Claim.Outcome.WORKER_BUSY);
    }

    /**
     * A poll that names no worker, from {@code address}: placed as {@link AnonymousPolls} says.
     * Who takes the job may not be known yet, so such polls take only jobs requiring no labels.
     */
    public Claim claimFrom(String address) {
        return claim(new Placement() {
            @Override
            public Optional<Claim.Outcome> refusal(Handle h) {
                if (!AnonymousPolls.hasRoom(h, address)) {
                    return Optional.of(Claim.Outcome.NO_IDLE_WORKER);
                }
                return JobStore.anyUnlabelled(h) ? Optional.empty() : Optional.of(Claim.Outcome.NO_JOB);
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

    /**
     * Who takes the job: a worker, or (worker null) the address it is held for. With
     * {@code maxJobs}, the take itself checks the worker has room; without, the placement has.
     * {@code labelsOf}: the worker whose labels decide which jobs it may take; null takes only
     * jobs that require none (a worker without labels, or an anonymous poll's).
     */
    record Taker(String workerId, String address, Integer maxJobs, String labelsOf) {
        Taker(String workerId, String address) {
            this(workerId, address, null, null);
        }
    }

    /**
     * Who may take a job, asked in two steps so that a poll finding nothing to do locks
     * nothing and writes nothing: first without locks, then under them once a job is in hand.
     */
    private interface Placement {
        /** Why this poll cannot take a job now (nothing pending, among others), read without locks; empty when it may. */
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
            Optional<Taker> who = placement.taker(h);
            if (who.isEmpty()) {
                return Claim.of(full);
            }
            Optional<Job> started = JobStore.take(h, dialect, who.get(), now);
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

    /** The job, when {@code readableBy} is null or the token that created it; else 404, as if there were none. */
    public Job get(String jobId, String readableBy) {
        if (readableBy == null) {
            return get(jobId);
        }
        return jdbi.withHandle(h -> JobStore.findCreatedBy(h, jobId, readableBy)).orElseThrow(JobQueue::notFound);
    }

    /**
     * A page of the jobs the filter matches, of those {@code readableBy} created when it is not
     * null; the cursor is the seq of the previous page's last job.
     */
    public Page<Job> list(JobFilter filter, Long cursor, int limit, String readableBy) {
        JobFilter f = readableBy == null ? filter : filter.createdBy(readableBy);
        return jdbi.withHandle(h -> page(JobStore.page(h, f, cursor, Page.probe(limit)), limit, JobStore.count(h, f)));
    }

    /**
     * A new job like an earlier one: the same command, bundle, labels, attempts and timeout,
     * created by {@code createdBy}. The bundle must still be there for a worker to fetch it.
     */
    public Job rerun(String jobId, String readableBy, String createdBy) {
        Job old = get(jobId, readableBy);
        return create(new NewJob(old.command(), old.fileUrl(), old.filename(), old.maxAttempts(), old.timeoutSeconds(),
                old.labels()), createdBy);
    }

    private static Page<Job> page(List<Job> items, int limit, long total) {
        return Page.of(items, limit, total, j -> Long.toString(j.seq()));
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

    /** The job's history after the given id, every committed event, final or not. */
    public List<JobEvent> eventsAfter(String jobId, long afterId, int limit) {
        return jdbi.withHandle(h -> events.after(h, jobId, afterId, limit));
    }

    /** The id of the job's newest final event, 0 when it has none. */
    public long latestEvent(String jobId) {
        return jdbi.withHandle(h -> {
            Horizon.Bound bound = eventHorizon.bound(h);
            return bound.bind(h.createQuery("SELECT COALESCE(MAX(id), 0) FROM job_events WHERE job_id = :j AND "
                    + bound.condition())).bind("j", jobId).mapTo(Long.class).one();
        });
    }

    /** The id of the job's newest event, final or not; 0 when it has none. */
    public long newestEvent(String jobId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(MAX(id), 0) FROM job_events WHERE job_id = :j")
                .bind("j", jobId).mapTo(Long.class).one());
    }

    /** For each job, its final events after the given id; together oldest first: what its streams send. */
    public List<JobEvent> eventsAfter(Map<String, Long> positions, int limit) {
        return jdbi.withHandle(h -> JobStore.eventsAfter(h, positions, limit, eventHorizon.bound(h)));
    }

    /** How far the jobs' events are final on this node. */
    public Horizon eventHorizon() {
        return eventHorizon;
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
