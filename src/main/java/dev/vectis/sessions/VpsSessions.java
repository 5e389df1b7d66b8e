package dev.vectis.sessions;

import dev.vectis.billing.IdempotencyKeys;
import dev.vectis.billing.Products;
import dev.vectis.db.Page;
import dev.vectis.error.ConflictException;
import dev.vectis.error.NotFoundException;
import dev.vectis.error.VectisException;
import dev.vectis.events.EventLog;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;

/**
 * VPS sessions from purchase to deletion. Money and capacity change only inside database
 * transactions; calls to workers happen outside them. A failure after payment ends in a refund,
 * and the slot is released once no VM can be running on it: nothing is refunded or freed while
 * the worker may still have the VM (see {@link VmReconciler}).
 */
public final class VpsSessions {

    /** The HTTP answer to a purchase, kept byte for byte for replays. */
    public record Answer(int status, String body) {
    }

    /**
     * How the marketplace talks to workers: one call's deadline (body included), the longest
     * wait between stop retries, and how many background calls may run at once to one worker
     * and to all of them.
     */
    /**
     * @param failureQuiet how long a provisioning VM's log must stay unchanged after a failure line for it to decide
     * @param threads makes the threads background calls run on (null: platform threads)
     */
    public record WorkerCalls(Duration timeout, Duration maxStopRetry, int perWorker, int total, Duration failureQuiet,
                              java.util.concurrent.ThreadFactory threads) {
    }

    /** What this node knows of a worker's health: its breaker, and what its list of VMs last said. */
    public record WorkerHealth(WorkerBreakers.View circuit, VmReconciler.Knowledge vms) {
    }

    /** How often each worker's VMs are compared with the sessions that hold its slots. */
    static final Duration RECONCILE_EVERY = Duration.ofSeconds(30);
    /** After a call's deadline, the time its caller has to write down the answer. */
    private static final Duration WRITE_DOWN = Duration.ofSeconds(5);

    private final Jdbi jdbi;
    private final VmClient vm;
    private final SessionEvents events;
    private final Products products;
    private final SessionChanges changes;
    private final WorkerStops stops;
    private final VmReconciler reconciler;
    private final WorkerLanes lanes;
    private final MarketRound round;
    private final OperatorDecisions decisions;
    private final Purchases purchases;

    /**
     * {@code background} is the same database as {@code jdbi} for the rounds' work, which comes
     * in bursts (every provisioning session is watched each round) and so takes only its share
     * of the pool, leaving the rest to purchases and other requests.
     */
    public VpsSessions(Jdbi jdbi, Jdbi background, Clock clock, VmClient vm, SessionEvents events, EventLog log,
                       IdempotencyKeys keys, Products products, WorkerCalls calls,
                       Function<VpsSession, String> render) {
        this.jdbi = jdbi;
        this.vm = vm;
        this.events = events;
        this.products = products;
        this.changes = new SessionChanges(jdbi, clock, events);
        this.stops = new WorkerStops(jdbi, clock, vm, changes, calls.timeout(), calls.maxStopRetry(), this::rules);
        SessionChanges roundChanges = new SessionChanges(background, clock, events);
        WorkerStops roundStops = new WorkerStops(background, clock, vm, roundChanges, calls.timeout(),
                calls.maxStopRetry(), this::rules);
        this.reconciler = new VmReconciler(background, clock, vm, roundChanges, log, RECONCILE_EVERY);
        this.lanes = new WorkerLanes(calls.perWorker(), calls.total(), calls.threads());
        this.round = new MarketRound(background, clock, roundChanges, new ProvisionWatch(background, clock, vm,
                roundChanges, roundStops, calls.failureQuiet()), roundStops,
                reconciler, lanes, calls.timeout().plus(WRITE_DOWN), this::rules, vm.breakers()::refusing);
        this.purchases = new Purchases(jdbi, clock, vm, events, keys, changes, reconciler, render);
        this.decisions = new OperatorDecisions(changes, stops, this::get);
    }

    public Answer purchase(String userId, String key, String requestHash, String productId, String requestId) {
        return purchases.purchase(userId, key, requestHash, productId, requestId);
    }

    public VpsSession get(String sessionId) {
        return jdbi.withHandle(h -> SessionStore.find(h, sessionId))
                .orElseThrow(() -> new NotFoundException("SESSION_NOT_FOUND", "Session not found"));
    }

    /** The caller's session; someone else's, or a deleted one, is "not found" so existence never leaks. */
    public VpsSession owned(String userId, String sessionId) {
        VpsSession s = jdbi.withHandle(h -> SessionStore.find(h, sessionId)).orElse(null);
        if (s == null || !s.userId().equals(userId) || s.status().equals("deleted")) {
            throw new NotFoundException("SESSION_NOT_FOUND", "Session not found");
        }
        return s;
    }

    public Page<VpsSession> list(String userId, String cursor, int limit) {
        VpsSession after = cursor == null ? null : jdbi.withHandle(h -> SessionStore.find(h, cursor))
                .filter(s -> s.userId().equals(userId)).orElse(null);
        return jdbi.withHandle(h -> {
            List<VpsSession> items = SessionLists.ofUser(h, userId, after == null ? null : after.id(),
                    after == null ? 0 : after.createdAt(), Page.probe(limit));
            long total = h.createQuery("SELECT COUNT(*) FROM vps_sessions WHERE user_id = :u AND status <> 'deleted'")
                    .bind("u", userId).mapTo(Long.class).one();
            return Page.of(items, limit, total, VpsSession::id);
        });
    }

    /** Every user's sessions, for operators; {@code status} and {@code flagged} narrow the list. */
    public Page<VpsSession> all(String status, String workerId, boolean flagged, String cursor, int limit) {
        VpsSession after = cursor == null ? null : jdbi.withHandle(h -> SessionStore.find(h, cursor)).orElse(null);
        return jdbi.withHandle(h -> {
            List<VpsSession> items = SessionLists.all(h, status, workerId, flagged, after == null ? null : after.id(),
                    after == null ? 0 : after.createdAt(), Page.probe(limit));
            return Page.of(items, limit, SessionLists.countAll(h, status, workerId, flagged), VpsSession::id);
        });
    }

    /** The worker's log, fetched by the server and redacted; the worker's address never reaches the user. */
    public String log(String userId, String sessionId) {
        return log(owned(userId, sessionId));
    }

    /** The same log for operators, redacted as well: worker-internal secrets are no one's business here. */
    public String log(String sessionId) {
        return log(get(sessionId));
    }

    private String log(VpsSession s) {
        if (s.route() == null) {
            throw new ConflictException("NOT_READY", "The VM has not been created yet");
        }
        String[] worker = jdbi.withHandle(h -> SessionStore.workerAddress(h, s.workerId()));
        if (worker == null || worker[1] == null) {
            throw new ConflictException("WORKER_GONE", "The worker hosting this VM is no longer registered");
        }
        String log;
        try {
            log = vm.log(worker[0], worker[1], s.route());
        } catch (VmClient.VmCallFailed e) {
            if (e.status() == 404 || e.status() == 410) {
                throw new NotFoundException("LOG_GONE", "The worker no longer has this VM's log");
            }
            throw new VectisException(VectisException.Kind.UNAVAILABLE, "WORKER_UNREACHABLE", e.status() == 0
                    ? "The worker hosting this VM did not answer; try again shortly"
                    : "The worker hosting this VM answered " + e.status() + " instead of the log; try again shortly");
        }
        return rules(s.productId()).redact(log);
    }

    /** Stops the VM and frees the slot; if the worker cannot be reached the session waits in stopping. */
    public VpsSession delete(String userId, String sessionId) {
        VpsSession s = owned(userId, sessionId);
        if (s.inDoubt()) {
            throw new ConflictException("SESSION_STARTING", "Vectis is still finding out whether the worker made this "
                    + "VM; it can be deleted once that is known");
        }
        if (s.status().equals("pending")) {
            throw new ConflictException("SESSION_STARTING", "The session is still being created; try again in a moment");
        }
        if (s.route() == null) {
            changes.end(sessionId, "deleted", "The owner deleted it before a VM existed");
            return get(sessionId);
        }
        if (changes.toStopping(sessionId, stops.claimUntil())) {
            stops.attempt(get(sessionId));
        }
        return get(sessionId);
    }

    /** An operator's decision on a session: see {@link OperatorDecisions}. */
    public VpsSession resolve(String sessionId, String action) {
        return decisions.resolve(sessionId, action);
    }

    /**
     * One round of the background work (see {@link MarketRound}). It returns at once; the
     * answer completes when the calls to workers it started have ended, which the loop does not
     * wait for and tests may.
     */
    public CompletableFuture<Void> tick() {
        return round.run();
    }

    /** This node's view of a worker's health: for operators. */
    public WorkerHealth health(String workerId) {
        return new WorkerHealth(vm.breakers().view(workerId), reconciler.knowledge(workerId));
    }

    /** Each worker's breaker, and purchases by outcome, as metrics of this node. */
    public void bindMetrics(MeterRegistry registry) {
        vm.breakers().bindTo(registry);
        purchases.outcomes().bindTo(registry);
    }

    /** Stops the background calls to workers; part of shutting down. */
    public void close() {
        lanes.close();
    }

    private LogRules rules(String productId) {
        return LogRules.of(products.get(productId).rules());
    }

    public SessionEvents events() {
        return events;
    }
}
