package dev.vectis.sessions;

import dev.vectis.billing.Ledger;
import dev.vectis.db.Cte;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;

/**
 * Every change of a session's state, each in one transaction on the session's locked row with
 * its events, so two nodes (or a request and the background loop) never both apply one.
 */
final class SessionChanges {

    private final Jdbi jdbi;
    private final Clock clock;
    private final SessionEvents events;

    SessionChanges(Jdbi jdbi, Clock clock, SessionEvents events) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.events = events;
    }

    /** Moves a live session on; a session that ended meanwhile (deleted, failed) is left alone. */
    void transition(String sessionId, String status, String route, String reason) {
        transition(sessionId, status, route, reason, s -> null, t -> null);
    }

    /**
     * As above, then {@code answer} of the session as it now is, and {@code also} of that
     * answer (null: nothing) written in the same transaction, with the session's events.
     */
    <T> T transition(String sessionId, String status, String route, String reason,
                     Function<VpsSession, T> answer, Function<T, Cte> also) {
        long now = clock.millis();
        T result = jdbi.inTransaction(h -> {
            Optional<VpsSession> changed = SessionStore.changeLive(h, sessionId, status, route,
                    reason, now);
            T t = answer.apply(changed.orElseGet(() -> SessionStore.find(h, sessionId).orElseThrow()));
            Cte write = also.apply(t);
            if (changed.isPresent()) {
                events.changed(h, changed.get(), now, write);
            } else if (write != null) {
                write.run(h);
            }
            return t;
        });
        events.fire();
        return result;
    }

    /** The worker was asked but the outcome is unknown: the session keeps its slot and says so. */
    void doubt(String sessionId, String reason) {
        changedIf(sessionId, (h, now) -> {
            SessionStore.lock(h, sessionId).orElseThrow();
            return SessionStore.doubt(h, sessionId, reason, now);
        });
    }

    /** An in-doubt session that only an operator can settle; once. */
    void flagDoubt(String sessionId, String reason) {
        changedIf(sessionId, (h, now) -> SessionStore.flagDoubt(h, sessionId, reason, now));
    }

    /** A pending session's VM is known at last: provisioning with its route. False when it moved on meanwhile. */
    boolean adopt(String sessionId, String route, String reason) {
        long now = clock.millis();
        boolean adopted = jdbi.inTransaction(h -> {
            VpsSession s = SessionStore.lock(h, sessionId).orElseThrow();
            if (!s.status().equals("pending")) {
                return false;
            }
            SessionStore.update(h, sessionId, "provisioning", route, null, reason, now);
            events.changed(h, SessionStore.find(h, sessionId).orElseThrow(), now);
            return true;
        });
        events.fire();
        return adopted;
    }

    /** Failure after payment: the slot goes back and the price is refunded, once. */
    void failAndRefund(String sessionId, String why) {
        fail(sessionId, why, null, 0);
    }

    /**
     * Failure after payment whose VM the worker has not confirmed stopped: the price is refunded
     * now, the slot stays held, and the stop is retried from {@code nextAt} like a deletion's.
     */
    void failAndRefundStopping(String sessionId, String why, String stopError, long nextAt) {
        fail(sessionId, why, stopError, nextAt);
    }

    /** The worker confirmed the stop of a failed session's VM (or no longer has it): its slot is freed. */
    void stopConfirmed(String sessionId, String answer) {
        jdbi.useTransaction(h -> {
            VpsSession s = SessionStore.lock(h, sessionId).orElseThrow();
            if (answer != null) {
                SessionStore.stopAnswer(h, sessionId, answer);
            }
            SessionStore.releaseSlot(h, s);
        });
    }

    private void fail(String sessionId, String why, String stopError, long stopNextAt) {
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            VpsSession s = SessionStore.lock(h, sessionId).orElseThrow();
            if (!s.live()) {
                return;
            }
            // User row before worker row, the order a purchase takes them in, so the two never deadlock.
            long balance = Ledger.lockBalance(h, s.userId());
            SessionStore.update(h, sessionId, "failed", null, why, why, now);
            if (stopError != null) {
                SessionStore.stopUnconfirmed(h, sessionId, stopError, stopNextAt);
            }
            Ledger.apply(h, s.userId(), balance, s.priceCoins(),
                    new Ledger.Cause("refund", "VPS session " + sessionId + " failed", "system", null, sessionId), now);
            events.changed(h, SessionStore.find(h, sessionId).orElseThrow(), now);
            if (stopError == null) {
                SessionStore.releaseSlot(h, s); // last: every purchase on the worker waits for its row
            }
        });
        events.fire();
    }

    /**
     * What a read of the worker's log found, in one transaction: how many lines it has (the
     * checklist moves when the first one appears), and the reason of the ready rule that
     * matched (null: none did), which makes the session ready unless it moved on meanwhile.
     * {@code seen} is the session as read before the log was.
     */
    void logRead(VpsSession seen, int lines, String readyReason) {
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            boolean grew;
            VpsSession ready = null;
            if (readyReason == null) {
                grew = lines != seen.watch().logLines() && SessionStore.logLines(h, seen.id(), lines, now);
            } else {
                ready = SessionStore.changeLiveWithLog(h, seen.id(), "ready", readyReason, now, lines).orElse(null);
                grew = ready != null && lines != seen.watch().logLines();
            }
            VpsSession started = grew && seen.watch().logLines() == 0 ? seen.withLogLines(lines, now) : null;
            events.record(h, started, ready, now);
        });
        events.fire();
    }

    /** Keeps a session that nothing decided in time, for an operator; once. */
    void flag(String sessionId, String reason) {
        changedIf(sessionId, (h, now) -> SessionStore.flag(h, sessionId, reason, now));
    }

    /** One conditional change in a transaction; the session's watchers hear of it only when it happened. */
    private void changedIf(String sessionId, java.util.function.BiPredicate<org.jdbi.v3.core.Handle, Long> update) {
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            if (update.test(h, now)) {
                events.changed(h, SessionStore.find(h, sessionId).orElseThrow(), now);
            }
        });
        events.fire();
    }

    /**
     * Moves a session towards deletion and claims the first stop attempt until {@code claimUntil};
     * false when another request already ended it or holds the attempt.
     */
    boolean toStopping(String sessionId, long claimUntil) {
        long now = clock.millis();
        boolean moved = jdbi.inTransaction(h -> {
            VpsSession s = SessionStore.lock(h, sessionId).orElseThrow();
            if (!List.of("provisioning", "ready", "failed").contains(s.status())) {
                return s.status().equals("stopping") && SessionStore.claimStop(h, sessionId, now, claimUntil);
            }
            SessionStore.update(h, sessionId, "stopping", null, null, "The owner asked to delete it", now);
            SessionStore.resetStop(h, sessionId, claimUntil);
            events.changed(h, SessionStore.find(h, sessionId).orElseThrow(), now);
            return true;
        });
        events.fire();
        return moved;
    }

    /** Ends a session with its slot freed; a session already in that state is left alone. */
    void end(String sessionId, String status, String reason) {
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            VpsSession s = SessionStore.lock(h, sessionId).orElseThrow();
            if (s.status().equals(status)) {
                return;
            }
            SessionStore.update(h, sessionId, status, null, null, reason, now);
            events.changed(h, SessionStore.find(h, sessionId).orElseThrow(), now);
            SessionStore.releaseSlot(h, s); // last: every purchase on the worker waits for its row
        });
        events.fire();
    }

    /** The worker no longer has the VM: the session ends, with the worker's answer kept for operators. */
    void gone(String sessionId, String reason, String answer) {
        jdbi.useTransaction(h -> SessionStore.stopAnswer(h, sessionId, answer));
        end(sessionId, "deleted", reason);
    }

    /** A stop attempt failed: counted and rescheduled, visible to operators. */
    void stopFailed(String sessionId, String error, long nextAt) {
        jdbi.useTransaction(h -> {
            int attempts = SessionStore.stopFailed(h, sessionId, error, nextAt);
            events.stopRetry(h, SessionStore.find(h, sessionId).orElseThrow(), attempts, error, nextAt);
        });
        events.fire();
    }
}
