package dev.vectis.sessions;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a session's VM on its worker (POST /stop/{route}). The worker's answer decides:
 * 2xx stopped it; any other 4xx but 408 and 429 means it no longer has the VM (one worker
 * answers 400 "No active token found for this route"), so there is nothing left to stop.
 * Either way the session is deleted and its slot freed at once. Anything else (5xx, 408, 429,
 * a timeout, a refused connection) is retried after a wait that doubles from
 * {@link #FIRST_RETRY} up to a ceiling, with every failure recorded for operators.
 */
final class WorkerStops {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerStops.class);
    static final Duration FIRST_RETRY = Duration.ofSeconds(2);

    private final Jdbi jdbi;
    private final Clock clock;
    private final VmClient vm;
    private final SessionChanges changes;
    private final Duration maxRetry;
    /** How long one attempt may take: while it runs, no other node makes it. */
    private final Duration attemptLease;
    /** A product's rules: the worker's own words about a stop are redacted like its log. */
    private final Function<String, LogRules> rulesOf;

    WorkerStops(Jdbi jdbi, Clock clock, VmClient vm, SessionChanges changes, Duration workerTimeout,
                Duration maxRetry, Function<String, LogRules> rulesOf) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.vm = vm;
        this.changes = changes;
        this.maxRetry = maxRetry;
        this.attemptLease = workerTimeout.plusSeconds(5); // the call's deadline is total, so this is ample
        this.rulesOf = rulesOf;
    }

    /** The due time to claim an attempt with, starting now. */
    long claimUntil() {
        return clock.millis() + attemptLease.toMillis();
    }

    /** Whether an HTTP status from /stop means the worker no longer has the VM. */
    static boolean vmGone(int status) {
        return status >= 400 && status < 500 && status != 408 && status != 429;
    }

    /** The wait after {@code failures} failed attempts: 2 s, 4 s, 8 s … never more than the ceiling. */
    Duration delay(int failures) {
        Duration d = FIRST_RETRY;
        for (int i = 1; i < failures && d.compareTo(maxRetry) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxRetry) > 0 ? maxRetry : d;
    }

    /**
     * One claimed attempt at stopping the VM of a stopping session, or of a failed one whose
     * worker had not confirmed the stop yet (that one stays failed; only its slot is freed).
     */
    void attempt(VpsSession s) {
        boolean failed = s.status().equals("failed");
        String[] worker = jdbi.withHandle(h -> SessionStore.workerAddress(h, s.workerId()));
        if (worker == null || worker[1] == null) {
            if (failed) {
                changes.stopConfirmed(s.id(), null);
            } else {
                changes.end(s.id(), "deleted", "The worker is no longer registered, so nothing is left to stop");
            }
            return;
        }
        try {
            vm.stop(worker[0], worker[1], s.route());
            if (failed) {
                changes.stopConfirmed(s.id(), null);
            } else {
                changes.end(s.id(), "deleted", "The worker stopped the VM");
            }
        } catch (VmClient.VmCallFailed e) {
            // The worker's own words are for operators (stop.last_error), not for the owner's view.
            String error = error(s, e);
            if (vmGone(e.status())) {
                if (failed) {
                    changes.stopConfirmed(s.id(), error);
                } else {
                    changes.gone(s.id(), "The worker no longer has the VM (it answered " + e.status()
                            + " to the stop)", error);
                }
                return;
            }
            int failures = s.stop().attempts() + 1;
            LOG.info("Stopping session {} failed ({}); attempt {} of an unconfirmed stop, next in {}", s.id(), error,
                    failures, TimeWords.of(delay(failures)));
            changes.stopFailed(s.id(), error, clock.millis() + delay(failures).toMillis());
        }
    }

    /**
     * Fails a session whose VM is given up on, and refunds it. The VM is stopped first: when the
     * worker confirms (or no longer has it) the slot is freed and the reason ends with
     * {@code stopped}; when it does not, the reason ends with {@code unconfirmed} and the session
     * keeps its slot while the stop is retried like a deletion's, so a VM never runs on a freed slot.
     */
    void failAndRefund(VpsSession s, String why, String stopped, String unconfirmed) {
        String[] worker = jdbi.withHandle(h -> SessionStore.workerAddress(h, s.workerId()));
        if (worker == null || worker[1] == null || s.route() == null) {
            changes.failAndRefund(s.id(), why + stopped);
            return;
        }
        try {
            vm.stop(worker[0], worker[1], s.route());
        } catch (VmClient.VmCallFailed e) {
            if (!vmGone(e.status())) {
                LOG.info("Could not stop the VM of session {}: {}", s.id(), e.getMessage());
                changes.failAndRefundStopping(s.id(), why + unconfirmed, error(s, e),
                        clock.millis() + delay(1).toMillis());
                return;
            }
        }
        changes.failAndRefund(s.id(), why + stopped);
    }

    private String error(VpsSession s, VmClient.VmCallFailed e) {
        return e.getMessage() + (e.detail() == null ? "" : ": " + rulesOf.apply(s.productId()).redact(e.detail()));
    }
}
