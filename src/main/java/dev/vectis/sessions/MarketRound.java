package dev.vectis.sessions;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jdbi.v3.core.Jdbi;

/**
 * One round of the marketplace's background work. What needs only the database is done at
 * once: purchases that died after the worker was asked are marked in doubt (or refunded when
 * the worker was removed since), and a session an earlier version left without its intent
 * recorded is refunded. What calls a worker goes to that worker's lane (watching a
 * provisioning VM's log, retrying a stop, reconciling the worker's VMs), so the round never
 * waits on a worker and a slow one holds up only its own sessions.
 */
final class MarketRound {

    private static final int BATCH = 200;
    static final String BEFORE_REQUEST = "The purchase was interrupted before the VM was requested; the slot was "
            + "freed and the price refunded";
    static final String WORKER_GONE = "Provisioning failed: the worker was removed before it answered";
    static final String AFTER_REQUEST = "The purchase was interrupted after the worker was asked for the VM, so "
            + "whether the worker made it is not known yet. The slot stays held and the price is kept until Vectis knows";

    private final Jdbi jdbi;
    private final Clock clock;
    private final SessionChanges changes;
    private final ProvisionWatch watch;
    private final WorkerStops stops;
    private final VmReconciler reconciler;
    private final WorkerLanes lanes;
    /** How long after its start a request to a worker is certainly over, answer written down included. */
    private final Duration settle;
    private final Function<String, LogRules> rules;
    /** Workers whose circuit breaker is open on this node. */
    private final Predicate<String> refusing;

    MarketRound(Jdbi jdbi, Clock clock, SessionChanges changes, ProvisionWatch watch, WorkerStops stops,
                VmReconciler reconciler, WorkerLanes lanes, Duration settle, Function<String, LogRules> rules,
                Predicate<String> refusing) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.changes = changes;
        this.watch = watch;
        this.stops = stops;
        this.reconciler = reconciler;
        this.lanes = lanes;
        this.settle = settle;
        this.rules = rules;
        this.refusing = refusing;
    }

    /** Starts the round; the answer completes when every task it started (or found running) has ended. */
    CompletableFuture<Void> run() {
        settlePending();
        List<CompletableFuture<Void>> work = new ArrayList<>();
        long now = clock.millis();
        for (String[] w : jdbi.withHandle(SessionStore::vmWorkers)) {
            if (reconciler.due(w[0], now)) {
                work.add(lanes.submit(w[0], "reconcile:" + w[0], () -> reconciler.run(w[0], w[1])));
            }
        }
        // Read once per product and round, not once per session watched.
        Map<String, LogRules> productRules = new ConcurrentHashMap<>();
        Function<String, LogRules> rulesOf = id -> productRules.computeIfAbsent(id, rules);
        for (VpsSession s : every("provisioning")) {
            if (refusing.test(s.workerId())) {
                // Its worker's circuit is open: no read of the session or of its log until the
                // breaker lets a call through, so a dead worker's sessions cost a round nothing;
                // only the provisioning timeout, from the list just read.
                work.add(lanes.submit(s.workerId(), "watch:" + s.id(), () -> watch.timeout(s, rulesOf.apply(
                        s.productId()))));
                continue;
            }
            work.add(lanes.submit(s.workerId(), "watch:" + s.id(), () -> {
                SessionStore.Located located = jdbi.withHandle(h -> SessionStore.located(h, s.id())).orElseThrow();
                VpsSession current = located.session();
                if (current.status().equals("provisioning")) {
                    watch.check(current, located.baseUrl(), rulesOf.apply(current.productId()));
                }
            }));
        }
        for (VpsSession s : sessions(h -> SessionStore.dueStops(h, now, BATCH))) {
            work.add(lanes.submit(s.workerId(), "stop:" + s.id(), () -> {
                if (jdbi.withHandle(h -> SessionStore.claimStop(h, s.id(), clock.millis(), stops.claimUntil()))) {
                    stops.attempt(get(s.id()));
                }
            }));
        }
        return CompletableFuture.allOf(work.toArray(CompletableFuture[]::new));
    }

    private void settlePending() {
        for (VpsSession s : every("pending")) {
            long now = clock.millis();
            Long sent = s.request().sentAt();
            if (s.workerId() == null && sent != null
                    && (s.request().doubtSince() != null || now - sent > settle.toMillis())) {
                // Its worker was removed after being asked: no one is left to ask whether it made the VM.
                changes.failAndRefund(s.id(), WORKER_GONE);
                continue;
            }
            if (s.request().doubtSince() != null) {
                // It may have fallen into doubt on another node, which told only its own reconciler.
                reconciler.doubted(s.workerId(), s.request().doubtSince());
            }
            // The purchase asks the worker within one call's deadline; a session still pending
            // well after that belongs to a request (or node) that died on the way.
            if (sent == null && now - s.updatedAt() > settle.toMillis()) {
                changes.failAndRefund(s.id(), BEFORE_REQUEST);
            } else if (sent != null && s.request().doubtSince() == null && now - sent > settle.toMillis()) {
                changes.doubt(s.id(), AFTER_REQUEST);
                reconciler.soon(s.workerId());
            }
        }
    }

    /**
     * Every session in the status, page by page: the first pages are not always the same
     * sessions (a flagged VM kept for an operator never changes), so none is starved.
     */
    private List<VpsSession> every(String status) {
        List<VpsSession> all = new ArrayList<>();
        String after = null;
        while (true) {
            String from = after;
            List<VpsSession> page = jdbi.withHandle(h -> SessionLists.withStatus(h, status, from, BATCH));
            all.addAll(page);
            if (page.size() < BATCH) {
                return all;
            }
            after = page.get(page.size() - 1).id();
        }
    }

    private List<VpsSession> sessions(org.jdbi.v3.core.HandleCallback<List<String>, RuntimeException> ids) {
        return jdbi.withHandle(h -> ids.withHandle(h).stream()
                .map(id -> SessionStore.find(h, id).orElse(null)).filter(s -> s != null).toList());
    }

    private VpsSession get(String id) {
        return jdbi.withHandle(h -> SessionStore.find(h, id)).orElseThrow();
    }
}
