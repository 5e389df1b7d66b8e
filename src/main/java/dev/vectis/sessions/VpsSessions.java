package dev.vectis.sessions;

import dev.vectis.billing.IdempotencyKeys;
import dev.vectis.billing.Ledger;
import dev.vectis.db.Page;
import dev.vectis.error.ConflictException;
import dev.vectis.error.NotFoundException;
import dev.vectis.error.VectisException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
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
    /** How a worker's log says the VM is up: the agent's "Status: ready", or the RDP details. */
    private static final Pattern READY = Pattern.compile("(?im)^\\s*status:\\s*ready\\b");
    private static final Pattern CREDENTIALS = Pattern.compile("(?is)user(name)?\\s*:.*password\\s*:");

    /** The HTTP answer to a purchase, kept byte for byte for replays. */
    public record Answer(int status, String body) {
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final VmClient vm;
    private final SessionEvents events;
    private final IdempotencyKeys keys;
    private final Duration provisionTimeout;
    private final Duration abandonedAfter;
    /** Renders a session as the purchase answer's JSON. */
    private final Function<VpsSession, String> render;

    public VpsSessions(Jdbi jdbi, Clock clock, VmClient vm, SessionEvents events, IdempotencyKeys keys,
                       Duration provisionTimeout, Duration workerTimeout, Function<VpsSession, String> render) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.vm = vm;
        this.events = events;
        this.keys = keys;
        this.provisionTimeout = provisionTimeout;
        this.abandonedAfter = workerTimeout.multipliedBy(2).plusSeconds(60);
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
            transition(sessionId, "provisioning", route, null);
        } catch (VmClient.VmCallFailed e) {
            LOG.warn("Provisioning session {} failed: {}", sessionId, e.getMessage());
            failAndRefund(sessionId, "Provisioning failed: " + e.getMessage());
        }
    }

    /** Moves a live session on; a session that ended meanwhile (deleted, failed) is left alone. */
    private void transition(String sessionId, String status, String route, String error) {
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            VpsSession s = SessionStore.lock(h, sessionId).orElseThrow();
            if (!s.live()) {
                return;
            }
            SessionStore.update(h, sessionId, status, route, error, now);
            events.changed(h, SessionStore.find(h, sessionId).orElseThrow(), now);
        });
        events.fire();
    }

    /** Failure after payment: the slot goes back and the price is refunded, once. */
    void failAndRefund(String sessionId, String why) {
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            VpsSession s = SessionStore.lock(h, sessionId).orElseThrow();
            if (!s.live()) {
                return;
            }
            // User row before worker row, the order a purchase takes them in, so the two never deadlock.
            long balance = Ledger.lockBalance(h, s.userId());
            SessionStore.update(h, sessionId, "failed", null, why, now);
            SessionStore.releaseSlot(h, s);
            Ledger.apply(h, s.userId(), balance, s.priceCoins(),
                    new Ledger.Cause("refund", "VPS session " + sessionId + " failed", "system", null, sessionId), now);
            events.changed(h, SessionStore.find(h, sessionId).orElseThrow(), now);
        });
        events.fire();
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

    /** The worker's log, fetched by the server; the worker's address never reaches the user. */
    public String log(String userId, String sessionId) {
        VpsSession s = owned(userId, sessionId);
        if (s.route() == null) {
            throw new ConflictException("NOT_READY", "The VM has not been created yet");
        }
        String[] worker = jdbi.withHandle(h -> SessionStore.workerAddress(h, s.workerId()));
        if (worker == null || worker[1] == null) {
            throw new ConflictException("WORKER_GONE", "The worker hosting this VM is no longer registered");
        }
        try {
            return vm.log(worker[0], worker[1], s.route());
        } catch (VmClient.VmCallFailed e) {
            throw new VectisException(VectisException.Kind.UNAVAILABLE, "WORKER_UNREACHABLE",
                    "The worker hosting this VM did not answer; try again shortly");
        }
    }

    /** Stops the VM and frees the slot; if the worker cannot be reached the session waits in stopping. */
    public VpsSession delete(String userId, String sessionId) {
        VpsSession s = owned(userId, sessionId);
        if (s.status().equals("pending")) {
            throw new ConflictException("SESSION_STARTING", "The session is still being created; try again in a moment");
        }
        if (s.route() == null) {
            end(sessionId, "deleted");
            return get(sessionId);
        }
        if (toStopping(sessionId)) {
            tryStop(get(sessionId));
        }
        return get(sessionId);
    }

    /**
     * One pass of the background work: provisioning sessions that became ready or timed out,
     * pending ones whose purchase died before the worker was asked, and stops to retry.
     */
    public void tick() {
        for (String id : jdbi.withHandle(h -> SessionStore.withStatus(h, "pending", 200))) {
            // The purchase request asks the worker within one call's timeout; a session still
            // pending long after that belongs to a request (or node) that died after paying.
            if (clock.millis() - get(id).updatedAt() > abandonedAfter.toMillis()) {
                failAndRefund(id, "The purchase was interrupted before the VM was requested");
            }
        }
        List<String> provisioning = jdbi.withHandle(h -> SessionStore.withStatus(h, "provisioning", 200));
        for (String id : provisioning) {
            VpsSession s = get(id);
            String[] worker = jdbi.withHandle(h -> SessionStore.workerAddress(h, s.workerId()));
            if (clock.millis() - s.updatedAt() > provisionTimeout.toMillis()) {
                stopQuietly(worker, s);
                failAndRefund(id, "The VM did not become ready within " + provisionTimeout.toMinutes() + " minutes");
                continue;
            }
            if (worker == null || worker[1] == null) {
                continue;
            }
            try {
                String log = vm.log(worker[0], worker[1], s.route());
                if (READY.matcher(log).find() || CREDENTIALS.matcher(log).find()) {
                    transition(id, "ready", null, null);
                }
            } catch (VmClient.VmCallFailed e) {
                LOG.debug("Log of session {} not readable yet: {}", id, e.getMessage());
            }
        }
        for (String id : jdbi.withHandle(h -> SessionStore.withStatus(h, "stopping", 200))) {
            tryStop(get(id));
        }
    }

    /** A VM given up on is stopped if the worker lets us, so it does not run uncounted. */
    private void stopQuietly(String[] worker, VpsSession s) {
        if (worker == null || worker[1] == null || s.route() == null) {
            return;
        }
        try {
            vm.stop(worker[0], worker[1], s.route());
        } catch (VmClient.VmCallFailed e) {
            LOG.info("Could not stop the VM of timed-out session {}: {}", s.id(), e.getMessage());
        }
    }

    private void tryStop(VpsSession s) {
        String[] worker = jdbi.withHandle(h -> SessionStore.workerAddress(h, s.workerId()));
        try {
            if (worker != null && worker[1] != null) {
                vm.stop(worker[0], worker[1], s.route());
            }
            end(s.id(), "deleted");
        } catch (VmClient.VmCallFailed e) {
            if (e.status() == 404) {
                end(s.id(), "deleted"); // the worker no longer has the VM (it restarted): nothing left to stop
                return;
            }
            LOG.info("Stopping session {} failed ({}); will retry", s.id(), e.getMessage());
        }
    }

    /** Moves a session towards deletion; false when another request already ended it. */
    private boolean toStopping(String sessionId) {
        long now = clock.millis();
        boolean moved = jdbi.inTransaction(h -> {
            VpsSession s = SessionStore.lock(h, sessionId).orElseThrow();
            if (!List.of("provisioning", "ready", "failed").contains(s.status())) {
                return s.status().equals("stopping");
            }
            SessionStore.update(h, sessionId, "stopping", null, null, now);
            events.changed(h, SessionStore.find(h, sessionId).orElseThrow(), now);
            return true;
        });
        events.fire();
        return moved;
    }

    private void end(String sessionId, String status) {
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            VpsSession s = SessionStore.lock(h, sessionId).orElseThrow();
            if (s.status().equals(status)) {
                return;
            }
            SessionStore.update(h, sessionId, status, null, null, now);
            SessionStore.releaseSlot(h, s);
            events.changed(h, SessionStore.find(h, sessionId).orElseThrow(), now);
        });
        events.fire();
    }

    public SessionEvents events() {
        return events;
    }
}
