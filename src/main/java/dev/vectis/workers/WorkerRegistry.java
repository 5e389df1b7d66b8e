package dev.vectis.workers;

import dev.vectis.db.UniqueViolation;
import dev.vectis.db.Page;
import dev.vectis.error.ConflictException;
import dev.vectis.error.NotFoundException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one worker registry every contract enrols into, and the liveness rules they share. */
public final class WorkerRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerRegistry.class);
    /** How long a node trusts that a worker id exists before asking the database again. */
    private static final long KNOWN_FOR_MILLIS = 60_000;

    /** The default bound on holding off a mass offline marking; see {@link SilenceBrake}. */
    public static final Duration SILENCE_HOLD = Duration.ofMinutes(5);

    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration offlineAfter;
    private final Pace pace;
    private final SilenceBrake brake;
    private final WorkerLabels labels;
    private final List<Consumer<SilenceBrake.Alert>> silenceAlerts = new CopyOnWriteArrayList<>();
    private final long startedAt;
    private final HeartbeatBuffer heartbeats = new HeartbeatBuffer();
    private final ReentrantLock flushing = new ReentrantLock();
    private static final String GATEWAY = "gateway";
    private final Map<String, Known> known = new ConcurrentHashMap<>();
    private final List<Consumer<String>> removals = new CopyOnWriteArrayList<>();
    private final List<RegistrationListener> registrations = new CopyOnWriteArrayList<>();

    /** Told, inside the registration's transaction, that a worker registered; {@code again} when it was known already. */
    @FunctionalInterface
    public interface RegistrationListener {
        void registered(Handle h, Worker worker, String contract, boolean again);
    }

    /** A worker this node has seen lately, and the contract that registered it. */
    private record Known(String kind, long until) {
    }

    public WorkerRegistry(Jdbi jdbi, Clock clock, Duration offlineAfter) {
        this(jdbi, clock, Pace.forWindow(offlineAfter), SILENCE_HOLD);
    }

    /** {@code silenceHold}: the longest the sweep holds off when most of the fleet goes quiet at once (zero: never). */
    public WorkerRegistry(Jdbi jdbi, Clock clock, Pace pace, Duration silenceHold) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.offlineAfter = pace.offlineAfter();
        this.pace = pace;
        this.brake = new SilenceBrake(silenceHold);
        this.labels = new WorkerLabels(jdbi);
        this.startedAt = clock.millis();
    }

    /** The heartbeat interval and offline window this server tells its agents. */
    public Pace pace() {
        return pace;
    }

    public WorkerLabels labels() {
        return labels;
    }

    /** Enrols a worker, or refreshes it when it registers again (a restart). */
    public Worker registerExecutor(ExecutorRegistration registration) {
        long now = clock.millis();
        Worker worker = upsert(() -> jdbi.inTransaction(h -> {
            // An enrolled agent's first registration here is a first one, though its row exists.
            boolean again = WorkerStore.registeredHere(h, registration.workerId());
            if (!WorkerStore.updateExecutorFields(h, registration, now)) {
                WorkerStore.insertExecutor(h, registration, now);
            }
            if (registration.labels() != null) {
                WorkerLabels.replace(h, registration.workerId(), registration.labels());
            }
            return registered(h, registration.workerId(), WorkerContracts.EXECUTOR, again);
        }), () -> refuseOtherKind(registration.workerId(), java.util.Set.of("executor", "fleet")));
        known.put(worker.id(), new Known(worker.enrolledVia(), now + KNOWN_FOR_MILLIS));
        return worker;
    }

    /**
     * Registers a session-gateway worker, or refreshes it on a restart. Another worker
     * already holding the endpoint is a conflict, decided by the endpoint's unique index.
     */
    public Worker registerGateway(GatewayRegistration registration) {
        long now = clock.millis();
        Worker worker = upsert(() -> jdbi.inTransaction(h -> {
            boolean again = WorkerStore.updateGatewayFields(h, registration, now);
            if (!again) {
                WorkerStore.insertGateway(h, registration, now);
            }
            return registered(h, registration.workerId(), WorkerContracts.GATEWAY, again);
        }), () -> {
            String holder = jdbi.withHandle(h -> h.createQuery("SELECT id FROM workers WHERE endpoint = :e")
                    .bind("e", registration.endpoint()).mapTo(String.class).findOne().orElse(null));
            if (holder != null && !holder.equals(registration.workerId())) {
                throw new ConflictException("ENDPOINT_CONFLICT",
                        "Endpoint " + registration.endpoint() + " is already registered by another worker");
            }
            refuseOtherKind(registration.workerId(), java.util.Set.of("gateway"));
        });
        known.put(worker.id(), new Known(worker.enrolledVia(), now + KNOWN_FOR_MILLIS));
        return worker;
    }

    private Worker registered(Handle h, String workerId, String contract, boolean again) {
        Worker worker = WorkerStore.find(h, workerId).orElseThrow();
        registrations.forEach(l -> l.registered(h, worker, contract, again));
        return worker;
    }

    /** Runs {@code listener} inside each registration's transaction, so what it writes commits with it. */
    public void onRegistered(RegistrationListener listener) {
        registrations.add(listener);
    }

    /**
     * Update-or-insert, safe when the same worker registers twice at once: the insert that
     * loses the race hits a unique index, and the retry then finds the row and updates it.
     * {@code onViolation} decides first whether the violation is a real conflict.
     */
    private static Worker upsert(Supplier<Worker> attempt, Runnable onViolation) {
        for (int i = 0; ; i++) {
            try {
                return attempt.get();
            } catch (org.jdbi.v3.core.statement.StatementException e) {
                if (!UniqueViolation.in(e) || i >= 2) {
                    throw e;
                }
                onViolation.run();
            }
        }
    }

    /** A worker id registered through another contract (a VPS host, say) is not this contract's to change. */
    private void refuseOtherKind(String workerId, Set<String> kinds) {
        jdbi.withHandle(h -> WorkerStore.kindOf(h, workerId)).filter(k -> !kinds.contains(k)).ifPresent(k -> {
            throw new ConflictException("WORKER_ID_CONFLICT", "Worker id " + workerId
                    + " belongs to a worker registered through another API");
        });
    }

    /** Sets the status a worker reports about itself (its own events say it is stopping or started). */
    public void reportStatus(Handle h, String workerId, String status) {
        WorkerStore.setReportedStatus(h, workerId, status, clock.millis());
    }

    /**
     * Removes a worker registered through the session gateway; its running jobs are handed to
     * the listener first, as if it went silent. Workers of other contracts are not removed.
     */
    public boolean unregister(String workerId, OfflineListener listener) {
        long now = clock.millis();
        boolean removed = jdbi.inTransaction(h -> {
            if (!WorkerStore.kindOf(h, workerId).map("gateway"::equals).orElse(false)) {
                return false;
            }
            listener.workerOffline(h, workerId, now);
            return WorkerStore.delete(h, workerId);
        });
        forget(workerId);
        if (removed) {
            removals.forEach(r -> r.accept(workerId));
        }
        return removed;
    }


    /** Records that the worker is alive; the write happens in the next batch. */
    public long heartbeat(String workerId) {
        return heartbeatFrom(workerId, null);
    }

    /**
     * A session-gateway heartbeat, keeping the status the worker reports (ONLINE, MAINTENANCE…).
     * Only the gateway's own workers: another contract's worker is not there to be heartbeaten.
     */
    public long gatewayHeartbeat(String workerId, String reportedStatus) {
        long now = clock.millis();
        if (!GATEWAY.equals(requireKnown(workerId, now))) {
            throw notFound();
        }
        heartbeats.record(workerId, now, reportedStatus, null);
        return now;
    }

    /** As {@link #heartbeat(String)}, from a command-executor call: remembers the address it came from. */
    public long heartbeatFrom(String workerId, String address) {
        long now = clock.millis();
        requireKnown(workerId, now);
        heartbeats.record(workerId, now, null, address);
        return now;
    }

    /**
     * Runs {@code reads} holding one database connection, which every query inside shares (Jdbi
     * hands nested calls on a thread the handle already open): one answer made of several reads
     * takes one connection from the pool, not one per read.
     */
    public <T> T onOneConnection(Supplier<T> reads) {
        return jdbi.withHandle(h -> reads.get());
    }

    /**
     * The worker with its live chat sessions and newest metrics sample, in one query.
     *
     * @param endedSessionStates chat-session states that no longer occupy the worker
     */
    public Optional<WorkerOverview> overview(String workerId, Collection<String> endedSessionStates) {
        return jdbi.withHandle(h -> WorkerStore.overview(h, workerId, endedSessionStates));
    }

    public Optional<Worker> find(String workerId) {
        return jdbi.withHandle(h -> WorkerStore.find(h, workerId));
    }

    public Worker get(String workerId) {
        return find(workerId).orElseThrow(WorkerRegistry::notFound);
    }

    public Page<Worker> list(String afterId, int limit) {
        return list(afterId, limit, false);
    }

    /** {@code jobRunnersOnly}: the workers that run command-executor jobs (registered there, or enrolled agents). */
    public Page<Worker> list(String afterId, int limit, boolean jobRunnersOnly) {
        return jdbi.withHandle(h -> {
            List<Worker> items = WorkerStore.page(h, afterId, Page.probe(limit), jobRunnersOnly);
            return Page.of(items, limit, WorkerStore.count(h, jobRunnersOnly), Worker::id);
        });
    }

    /**
     * Writes buffered heartbeats in one transaction. The flusher loop and the sweep both call
     * it, one at a time: this node has one writer of heartbeats.
     */
    public void flush() {
        flushing.lock();
        try {
            Map<String, HeartbeatBuffer.Beat> batch = heartbeats.drain();
            if (batch.isEmpty()) {
                return;
            }
            try {
                long cutoff = clock.millis() - offlineAfter.toMillis();
                jdbi.useTransaction(h -> WorkerStore.touch(h, batch, cutoff));
            } catch (RuntimeException e) {
                heartbeats.restore(batch);
                throw e;
            }
        } finally {
            flushing.unlock();
        }
    }

    /**
     * Marks workers silent for the offline window as offline and tells the listener, each worker
     * in a transaction of its own: a sweep cut short (its node died) leaves every worker either
     * done or untouched, and the next sweep, on any node, finds the rest. The mark is
     * conditional, so two sweeps that meet mark and tell about a worker once. Buffered
     * heartbeats are written first, through {@link #flush}, so a worker heard just now is not
     * taken for silent. After a start, every worker first gets a full window to be heard. When
     * more than half of the fleet went quiet at once, nobody is marked while the
     * {@link SilenceBrake} holds.
     */
    public int sweep(OfflineListener listener) {
        flush();
        long now = clock.millis();
        if (now - startedAt < offlineAfter.toMillis()) {
            return 0;
        }
        long cutoff = now - offlineAfter.toMillis();
        List<String> silent = jdbi.withHandle(h -> WorkerStore.silentSince(h, cutoff));
        if ((!silent.isEmpty() || brake.engaged()) && braking(now)) {
            return 0;
        }
        int marked = 0;
        for (String id : silent) {
            boolean offline = jdbi.inTransaction(h -> {
                if (!WorkerStore.markOffline(h, id, cutoff, now)) {
                    return false;
                }
                listener.workerOffline(h, id, now);
                return true;
            });
            if (offline) {
                marked++;
                LOG.info("Worker {} is offline: silent for more than {}s", id, offlineAfter.toSeconds());
            }
        }
        return marked;
    }

    /** Asks the brake whether to hold off, and passes on the alert it raises, if any. */
    private boolean braking(long now) {
        int[] fleet = jdbi.withHandle(h -> WorkerStore.onlineAndQuiet(h, now - offlineAfter.toMillis() / 2));
        SilenceBrake.Verdict verdict = brake.judge(fleet[0], fleet[1], now);
        SilenceBrake.Alert alert = verdict.alert();
        if (alert != null) {
            if (alert.began()) {
                LOG.warn("{} of {} online workers went quiet at once: not marking them offline for up to {}s, "
                        + "unless heard again", alert.quiet(), alert.online(), brake.hold().toSeconds());
            } else {
                LOG.info("Fleet silence over ({}) after {}s", alert.reason(), (alert.at() - alert.since()) / 1000);
            }
            silenceAlerts.forEach(l -> l.accept(alert));
        }
        return verdict.hold();
    }

    /** Runs {@code listener} with each alert the silence brake raises, on the sweeping thread. */
    public void onSilence(Consumer<SilenceBrake.Alert> listener) {
        silenceAlerts.add(listener);
    }

    /** True when the worker exists and was registered through the session gateway; cached briefly per node. */
    public boolean isGatewayWorker(String workerId) {
        try {
            return GATEWAY.equals(requireKnown(workerId, clock.millis()));
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** The contract that registered the worker; answered from this node's short-lived cache when it can. */
    private String requireKnown(String workerId, long now) {
        Known cached = known.get(workerId);
        if (cached != null && cached.until() > now) {
            return cached.kind();
        }
        Optional<String> kind = jdbi.withHandle(h -> WorkerStore.kindOf(h, workerId));
        if (kind.isEmpty()) {
            known.remove(workerId);
            throw notFound();
        }
        known.put(workerId, new Known(kind.get(), now + KNOWN_FOR_MILLIS));
        return kind.get();
    }

    /** Forgets a worker this node had cached (it was removed, here or on another node). */
    public void forget(String workerId) {
        known.remove(workerId);
    }

    public void forgetAll() {
        known.clear();
    }

    /** Runs {@code listener} with the id of each worker removed here, after the removal committed. */
    public void onRemoved(Consumer<String> listener) {
        removals.add(listener);
    }

    static NotFoundException notFound() {
        return new NotFoundException("WORKER_NOT_FOUND", "Worker not found");
    }
}
