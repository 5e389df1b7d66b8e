package dev.vectis.sessions;

import dev.vectis.billing.IdempotencyKeys;
import dev.vectis.billing.Ledger;
import dev.vectis.error.VectisException;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A purchase in two short transactions, the call to the worker between them: the
 * Idempotency-Key's record with the debit, the session, its slot and the intent to ask the
 * worker; then the worker's answer with the reply kept for replays. A failure after payment
 * ends in a refund, or in doubt when the worker may have made the VM (see {@link VmReconciler}).
 */
final class Purchases {

    private static final Logger LOG = LoggerFactory.getLogger(Purchases.class);

    /** What the first transaction decided: a stored answer, a committed session to answer from, or a new placement. */
    private record Start(VpsSessions.Answer replay, String recover, Placement.Placed placed) {
    }

    /** A refusal from the placement (not from the key's record), which frees the key for a corrected retry. */
    private static final class Refused extends RuntimeException {
        Refused(VectisException cause) {
            super(cause);
        }
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final VmClient vm;
    private final SessionEvents events;
    private final IdempotencyKeys keys;
    private final SessionChanges changes;
    private final VmReconciler reconciler;
    private final Function<VpsSession, String> render;
    private final PurchaseOutcomes outcomes = new PurchaseOutcomes();

    Purchases(Jdbi jdbi, Clock clock, VmClient vm, SessionEvents events, IdempotencyKeys keys, SessionChanges changes,
              VmReconciler reconciler, Function<VpsSession, String> render) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.vm = vm;
        this.events = events;
        this.keys = keys;
        this.changes = changes;
        this.reconciler = reconciler;
        this.render = render;
    }

    VpsSessions.Answer purchase(String userId, String key, String requestHash, String productId, String requestId) {
        Start start;
        try {
            start = start(userId, key, requestHash, productId, requestId);
        } catch (VectisException e) {
            outcomes.refused(e);
            throw e;
        } catch (RuntimeException e) {
            outcomes.count(PurchaseOutcomes.Outcome.ERROR);
            throw e;
        }
        if (start.replay() != null) {
            outcomes.count(PurchaseOutcomes.Outcome.REPLAYED);
            return start.replay();
        }
        if (start.recover() != null) {
            outcomes.count(PurchaseOutcomes.Outcome.REPLAYED);
            return answer(userId, key, start.recover());
        }
        try {
            return provision(userId, key, start.placed());
        } catch (RuntimeException e) {
            outcomes.count(PurchaseOutcomes.Outcome.ERROR);
            throw e;
        }
    }

    PurchaseOutcomes outcomes() {
        return outcomes;
    }

    private Start start(String userId, String key, String requestHash, String productId, String requestId) {
        Set<String> full = new HashSet<>();
        while (true) {
            String sessionId = UUID.randomUUID().toString();
            try {
                Start start = jdbi.inTransaction(h -> {
                    // Taken afresh on each try: it stamps the intent to ask the worker, which other
                    // nodes measure the request's deadline from.
                    long now = clock.millis();
                    // The user's row first. Each row added below refers to it and takes a share lock on it,
                    // which two purchases of the user would then both wait to turn into this lock; and
                    // holding it, no other purchase of the user can record the same key meanwhile.
                    IdempotencyKeys.Locked locked = keys.beginPurchase(h, userId, key, requestHash, sessionId);
                    long balance = locked.balance();
                    IdempotencyKeys.Decision d = locked.decision();
                    if (d.kind().equals(IdempotencyKeys.Decision.REPLAY)) {
                        return new Start(new VpsSessions.Answer(d.status(), d.body()), null, null);
                    }
                    if (d.kind().equals(IdempotencyKeys.Decision.RECOVER)) {
                        return new Start(null, d.sessionId(), null);
                    }
                    Placement.Placed placed;
                    try {
                        placed = Placement.place(h, sessionId, userId, balance, productId,
                                requestId, now, vm.breakers(), full);
                    } catch (VectisException e) {
                        throw new Refused(e);
                    }
                    Placement.write(h, events, placed);
                    return new Start(null, null, placed);
                });
                if (start.placed() != null) {
                    events.fire();
                }
                return start;
            } catch (Placement.WorkerFull e) {
                full.add(e.workerId); // each retry has one candidate fewer, so this ends
            } catch (Refused e) {
                keys.forget(userId, key); // nothing was bought: a corrected retry may reuse the key
                throw (VectisException) e.getCause();
            }
        }
    }

    /**
     * Asks the worker for the VM, the intent committed first and the session's id as the
     * request's idempotency key. The session becomes provisioning; or failed and refunded when
     * the worker refused or was never reached; or stays pending, in doubt and holding its slot,
     * when the request went out but no usable answer came back.
     */
    private VpsSessions.Answer provision(String userId, String key, Placement.Placed p) {
        String sessionId = p.sessionId();
        try {
            String route = vm.create(p.workerId(), p.baseUrl(), p.action(), sessionId);
            VpsSessions.Answer accepted = changes.transition(sessionId, "provisioning", route,
                    "The worker accepted the request for the VM", s -> new VpsSessions.Answer(201, render.apply(s)),
                    answer -> IdempotencyKeys.finishing(userId, key, answer.status(), answer.body()));
            outcomes.count(PurchaseOutcomes.Outcome.ACCEPTED);
            return accepted;
        } catch (VmClient.VmCallFailed e) {
            LOG.warn("Requesting the VM of session {} {}: {}", sessionId,
                    e.outcomeUnknown() ? "got no usable answer" : "failed", e.getMessage());
            if (e.outcomeUnknown()) {
                changes.doubt(sessionId, "The worker's answer to the request for the VM did not arrive whole ("
                        + e.getMessage() + "), so whether it made the VM is not known yet. The slot stays held and the "
                        + "price is kept until Vectis knows");
                reconciler.soon(p.workerId());
                outcomes.count(PurchaseOutcomes.Outcome.IN_DOUBT);
            } else {
                changes.failAndRefund(sessionId, "Provisioning failed: " + e.getMessage());
                outcomes.count(PurchaseOutcomes.Outcome.REFUNDED);
            }
        }
        return answer(userId, key, sessionId);
    }

    /** The session as it is now, as the purchase's answer, kept for replays. */
    private VpsSessions.Answer answer(String userId, String key, String sessionId) {
        return jdbi.withHandle(h -> {
            VpsSessions.Answer answer = new VpsSessions.Answer(201, render.apply(SessionStore.find(h, sessionId)
                    .orElseThrow()));
            IdempotencyKeys.finish(h, userId, key, answer.status(), answer.body());
            return answer;
        });
    }
}
