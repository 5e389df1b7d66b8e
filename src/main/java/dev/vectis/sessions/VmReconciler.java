package dev.vectis.sessions;

import dev.vectis.events.EventLog;
import dev.vectis.events.NewEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes Vectis and a worker agree on the worker's VMs, for workers that list them
 * ({@code GET /vms}, as Vectis's agent does):
 * <ul>
 * <li>an in-doubt session whose key the worker has is adopted: it gets that VM's route;</li>
 * <li>one the worker does not have is asked for again with the same key, which such a worker
 * honours, so the answer is the one VM for that session whether or not the first request
 * arrived;</li>
 * <li>a running VM that no session holding a slot on the worker knows is stopped.</li>
 * </ul>
 * A worker that does not list its VMs cannot be reconciled: its in-doubt sessions keep their
 * slots and are flagged for an operator. The list is read before the sessions are, and a
 * session's intent is committed before its VM is requested, so a VM that is being made for a
 * live purchase is never taken for a stray one.
 */
final class VmReconciler {

    private static final Logger LOG = LoggerFactory.getLogger(VmReconciler.class);
    /** How soon a worker that did not answer the listing is asked again. */
    private static final Duration AFTER_FAILURE = Duration.ofSeconds(5);
    /** A worker without a listing is asked again this rarely, in case it gained one. */
    private static final Duration LISTLESS = Duration.ofMinutes(5);

    static final String CANNOT_TELL = "The purchase was interrupted after the worker was asked for the VM, and this "
            + "worker cannot list its VMs, so Vectis cannot tell whether it made one. The slot stays held and the price "
            + "is kept until an operator has checked the worker";

    /** What this node last learned from a worker's listing; {@code listsVms} is null before the first answer. */
    public record Knowledge(Boolean listsVms, Instant checkedAt, String lastError) {
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final VmClient vm;
    private final SessionChanges changes;
    private final EventLog events;
    private final Duration every;
    private final Map<String, Knowledge> knowledge = new ConcurrentHashMap<>();
    private final Map<String, Long> nextAt = new ConcurrentHashMap<>();

    VmReconciler(Jdbi jdbi, Clock clock, VmClient vm, SessionChanges changes, EventLog events, Duration every) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.vm = vm;
        this.changes = changes;
        this.events = events;
        this.every = every;
    }

    Knowledge knowledge(String workerId) {
        return knowledge.getOrDefault(workerId, new Knowledge(null, null, null));
    }

    boolean due(String workerId, long now) {
        Long next = nextAt.get(workerId);
        return next == null || now >= next;
    }

    /** A session on the worker fell into doubt: check at the next round. */
    void soon(String workerId) {
        if (workerId != null) {
            nextAt.remove(workerId);
        }
    }

    /** A session on the worker has been in doubt since then: check at the next round, unless done since. */
    void doubted(String workerId, long since) {
        Instant checked = knowledge(workerId).checkedAt();
        if (checked == null || checked.toEpochMilli() < since) {
            soon(workerId);
        }
    }

    void run(String workerId, String baseUrl) {
        long now = clock.millis();
        Optional<List<VmClient.WorkerVm>> listed;
        try {
            listed = vm.list(workerId, baseUrl);
        } catch (VmClient.VmCallFailed e) {
            knowledge.put(workerId, new Knowledge(knowledge(workerId).listsVms(), Instant.ofEpochMilli(now),
                    e.getMessage()));
            nextAt.put(workerId, now + AFTER_FAILURE.toMillis());
            LOG.debug("Worker {} did not list its VMs: {}", workerId, e.getMessage());
            return;
        }
        knowledge.put(workerId, new Knowledge(listed.isPresent(), Instant.ofEpochMilli(now), null));
        nextAt.put(workerId, now + (listed.isPresent() ? every : LISTLESS).toMillis());
        if (listed.isEmpty()) {
            jdbi.withHandle(h -> SessionStore.inDoubt(h, workerId)).forEach(id -> changes.flagDoubt(id, CANNOT_TELL));
            return;
        }
        settle(workerId, baseUrl, listed.get());
    }

    private void settle(String workerId, String baseUrl, List<VmClient.WorkerVm> vms) {
        Set<String> ids = new HashSet<>();
        Set<String> routes = new HashSet<>();
        for (String[] held : jdbi.withHandle(h -> SessionStore.holding(h, workerId))) {
            ids.add(held[0]);
            if (held[1] != null) {
                routes.add(held[1]);
            }
        }
        Map<String, VmClient.WorkerVm> byKey = new HashMap<>();
        for (VmClient.WorkerVm v : vms) {
            if (v.key() != null) {
                byKey.put(v.key(), v);
            }
            boolean known = v.key() != null && ids.contains(v.key()) || routes.contains(v.route());
            if (v.running() && !known) {
                stopStray(workerId, baseUrl, v);
            }
        }
        for (String id : jdbi.withHandle(h -> SessionStore.inDoubt(h, workerId))) {
            VmClient.WorkerVm v = byKey.get(id);
            if (v != null && v.running()) {
                changes.adopt(id, v.route(), "The VM requested before the purchase was interrupted was found on the "
                        + "worker and taken over");
            } else if (v != null) {
                changes.failAndRefund(id, "The worker made the VM requested before the purchase was interrupted, but "
                        + "it had stopped by the time Vectis found it; the slot was freed and the price refunded");
            } else {
                askAgain(id, workerId, baseUrl);
            }
        }
    }

    /** The worker does not have the VM: the same key again makes it at most once, whatever came of the first. */
    private void askAgain(String sessionId, String workerId, String baseUrl) {
        int action = jdbi.withHandle(h -> SessionStore.action(h, sessionId));
        try {
            String route = vm.create(workerId, baseUrl, action, sessionId);
            changes.adopt(sessionId, route, "The worker's list of VMs did not have this one, so Vectis asked again "
                    + "with the same idempotency key and the worker accepted");
        } catch (VmClient.VmCallFailed e) {
            if (e.status() != 0 && !e.outcomeUnknown()) {
                changes.failAndRefund(sessionId, "The worker's list of VMs did not have this one, and it refused the "
                        + "request made again (" + e.getMessage() + "); the slot was freed and the price refunded");
            } else {
                LOG.info("Session {} stays in doubt: asking worker {} again failed: {}", sessionId, workerId,
                        e.getMessage());
                nextAt.put(workerId, clock.millis() + AFTER_FAILURE.toMillis());
            }
        }
    }

    private void stopStray(String workerId, String baseUrl, VmClient.WorkerVm v) {
        String outcome;
        try {
            vm.stop(workerId, baseUrl, v.route());
            outcome = "stopped";
        } catch (VmClient.VmCallFailed e) {
            outcome = "stop failed: " + e.getMessage();
        }
        LOG.warn("Worker {} ran VM {} (key {}) that no session holds: {}", workerId, v.route(), v.key(), outcome);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("workerId", workerId);
        data.put("route", v.route());
        data.put("idempotencyKey", v.key());
        data.put("outcome", outcome);
        events.append(NewEvent.of("vps.stray_vm", "marketplace", workerId, data));
    }
}
