package dev.vectis.sessions;

import dev.vectis.billing.IdempotencyKeys;
import dev.vectis.billing.Products;
import dev.vectis.db.Page;
import dev.vectis.error.ConflictException;
import dev.vectis.error.InvalidInputException;
import dev.vectis.error.NotFoundException;
import dev.vectis.error.VectisException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * VPS sessions from purchase to deletion. Money and capacity change only inside database
 * transactions; calls to workers happen outside them, and every failure after payment ends
 * in a refund and a released slot.
 */
public final class VpsSessions {

    private static final Logger LOG = LoggerFactory.getLogger(VpsSessions.class);
    private static final int BATCH = 200;

    /** The HTTP answer to a purchase, kept byte for byte for replays. */
    public record Answer(int status, String body) {
    }

    /** How the marketplace talks to workers: one call's deadline, and the longest wait between stop retries. */
    public record WorkerCalls(Duration timeout, Duration maxStopRetry) {
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final VmClient vm;
    private final SessionEvents events;
    private final IdempotencyKeys keys;
    private final Products products;
    private final SessionChanges changes;
    private final WorkerStops stops;
    private final ProvisionWatch watch;
    private final Duration abandonedAfter;
    /** Renders a session as the purchase answer's JSON. */
    private final Function<VpsSession, String> render;

    public VpsSessions(Jdbi jdbi, Clock clock, VmClient vm, SessionEvents events, IdempotencyKeys keys,
                       Products products, WorkerCalls calls, Function<VpsSession, String> render) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.vm = vm;
        this.events = events;
        this.keys = keys;
        this.products = products;
        this.changes = new SessionChanges(jdbi, clock, events);
        this.stops = new WorkerStops(jdbi, clock, vm, changes, calls.timeout(), calls.maxStopRetry(), this::rules);
        this.watch = new ProvisionWatch(jdbi, clock, vm, changes, stops);
        this.abandonedAfter = calls.timeout().multipliedBy(2).plusSeconds(60);
        this.render = render;
    }

    public Answer purchase(String userId, String key, String requestHash, String productId, String requestId) {
        IdempotencyKeys.Decision decision = keys.begin(userId, key, requestHash);
        if (decision.kind().equals(IdempotencyKeys.Decision.REPLAY)) {
            return new Answer(decision.status(), decision.body());
        }
        if (decision.kind().equals(IdempotencyKeys.Decision.RECOVER)) {
            return finish(userId, key, decision.sessionId());
        }
        String sessionId = UUID.randomUUID().toString();
        long now = clock.millis();
        try {
            jdbi.useTransaction(h -> {
                Placement.place(h, sessionId, userId, productId, requestId, now);
                IdempotencyKeys.attach(h, userId, key, sessionId);
                events.changed(h, SessionStore.find(h, sessionId).orElseThrow(), now);
            });
        } catch (VectisException e) {
            keys.forget(userId, key); // refused before anything changed: a corrected retry may reuse the key
            throw e;
        }
        events.fire();
        provision(sessionId);
        return finish(userId, key, sessionId);
    }

    private Answer finish(String userId, String key, String sessionId) {
        Answer answer = new Answer(201, render.apply(get(sessionId)));
        keys.finish(userId, key, answer.status(), answer.body());
        return answer;
    }

    /** Asks the worker for the VM; the session becomes provisioning, or failed and refunded. */
    void provision(String sessionId) {
        VpsSession s = get(sessionId);
        String[] worker = jdbi.withHandle(h -> SessionStore.workerAddress(h, s.workerId()));
        int action = jdbi.withHandle(h -> h.createQuery("SELECT provision_action FROM vps_products WHERE id = :p")
                .bind("p", s.productId()).mapTo(Integer.class).one());
        try {
            if (worker == null || worker[1] == null) {
                throw new VmClient.VmCallFailed("the worker is gone");
            }
            String route = vm.create(worker[0], worker[1], action);
            changes.transition(sessionId, "provisioning", route, "The worker accepted the request for the VM");
        } catch (VmClient.VmCallFailed e) {
            LOG.warn("Provisioning session {} failed: {}", sessionId, e.getMessage());
            changes.failAndRefund(sessionId, "Provisioning failed: " + e.getMessage());
        }
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
            List<VpsSession> items = SessionStore.ofUser(h, userId, after == null ? null : after.id(),
                    after == null ? 0 : after.createdAt(), limit + 1);
            boolean more = items.size() > limit;
            items = more ? items.subList(0, limit) : items;
            long total = h.createQuery("SELECT COUNT(*) FROM vps_sessions WHERE user_id = :u AND status <> 'deleted'")
                    .bind("u", userId).mapTo(Long.class).one();
            return new Page<>(items, total, more ? items.get(limit - 1).id() : null);
        });
    }

    /** Every user's sessions, for operators; {@code status} and {@code flagged} narrow the list. */
    public Page<VpsSession> all(String status, boolean flagged, String cursor, int limit) {
        VpsSession after = cursor == null ? null : jdbi.withHandle(h -> SessionStore.find(h, cursor)).orElse(null);
        return jdbi.withHandle(h -> {
            List<VpsSession> items = SessionStore.all(h, status, flagged, after == null ? null : after.id(),
                    after == null ? 0 : after.createdAt(), limit + 1);
            boolean more = items.size() > limit;
            items = more ? items.subList(0, limit) : items;
            return new Page<>(items, SessionStore.countAll(h, status, flagged), more ? items.get(limit - 1).id() : null);
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

    /**
     * An operator's decision on a session: {@code ready} (the VM works though its log did not
     * say so), {@code refund} (stop the VM and refund, for a provisioning session) or
     * {@code release} (free the slot of a stopping session whose worker will never confirm).
     */
    public VpsSession resolve(String sessionId, String action) {
        VpsSession s = get(sessionId);
        switch (action == null ? "" : action) {
            case "ready" -> {
                requireStatus(s, "provisioning", action);
                changes.transition(sessionId, "ready", null, "An operator marked the VM ready");
            }
            case "refund" -> {
                requireStatus(s, "provisioning", action);
                stops.quietly(s);
                changes.failAndRefund(sessionId, "An operator stopped the VM and refunded the price");
            }
            case "release" -> {
                requireStatus(s, "stopping", action);
                changes.end(sessionId, "deleted", "An operator released the slot without the worker's confirmation");
            }
            default -> throw new InvalidInputException("action", "action must be \"ready\", \"refund\" or \"release\"");
        }
        return get(sessionId);
    }

    private static void requireStatus(VpsSession s, String status, String action) {
        if (!s.status().equals(status)) {
            throw new ConflictException("WRONG_STATUS", "\"" + action + "\" applies to a " + status
                    + " session; this one is " + s.status());
        }
    }

    /**
     * One pass of the background work: pending sessions whose purchase died before the worker
     * was asked, provisioning ones whose log decided or whose time ran out, and stops that are due.
     */
    public void tick() {
        for (String id : jdbi.withHandle(h -> SessionStore.withStatus(h, "pending", BATCH))) {
            // The purchase request asks the worker within one call's timeout; a session still
            // pending long after that belongs to a request (or node) that died after paying.
            if (clock.millis() - get(id).updatedAt() > abandonedAfter.toMillis()) {
                changes.failAndRefund(id, "The purchase was interrupted before the VM was requested");
            }
        }
        Map<String, LogRules> rules = new HashMap<>();
        for (String id : jdbi.withHandle(h -> SessionStore.withStatus(h, "provisioning", BATCH))) {
            VpsSession s = get(id);
            watch.check(s, rules.computeIfAbsent(s.productId(), this::rules));
        }
        long now = clock.millis();
        for (String id : jdbi.withHandle(h -> SessionStore.dueStops(h, now, BATCH))) {
            if (jdbi.withHandle(h -> SessionStore.claimStop(h, id, clock.millis(), stops.claimUntil()))) {
                stops.attempt(get(id));
            }
        }
    }

    private LogRules rules(String productId) {
        return LogRules.of(products.get(productId).rules());
    }

    public SessionEvents events() {
        return events;
    }
}
