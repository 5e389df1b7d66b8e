package dev.vectis.sessions;

import java.time.Clock;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a provisioning session's log on its worker until a rule of its product decides:
 * ready, or failed (the VM is stopped and the price refunded). When nothing decides within the
 * product's provisioning timeout, its {@code on_provision_timeout} applies: stop and refund,
 * or keep the VM and flag the session for an operator while the log is still watched.
 */
final class ProvisionWatch {

    private static final Logger LOG = LoggerFactory.getLogger(ProvisionWatch.class);
    /** Said when the worker did not confirm the stop of a VM given up on. */
    static final String UNCONFIRMED = "; the worker has not confirmed that the VM stopped, so its slot stays held "
            + "while Vectis keeps asking it to";

    private final Jdbi jdbi;
    private final Clock clock;
    private final VmClient vm;
    private final SessionChanges changes;
    private final WorkerStops stops;
    /** How long the log must stay unchanged after a failure line before that line decides. */
    private final Duration failureQuiet;

    ProvisionWatch(Jdbi jdbi, Clock clock, VmClient vm, SessionChanges changes, WorkerStops stops,
                   Duration failureQuiet) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.vm = vm;
        this.changes = changes;
        this.stops = stops;
        this.failureQuiet = failureQuiet;
    }

    /** {@code baseUrl}: where the session's worker answers, null when it no longer says. */
    void check(VpsSession s, String baseUrl, LogRules rules) {
        if (baseUrl != null && s.route() != null) {
            try {
                LogRules.Reading reading = rules.read(rules.redact(vm.log(s.workerId(), baseUrl, s.route())));
                LogRules.Verdict verdict = reading.verdict();
                boolean grew = reading.lines() != s.watch().logLines();
                boolean ready = verdict != null && verdict.ready();
                if (grew || ready) {
                    changes.logRead(s, reading.lines(), ready ? verdict.reason() : null);
                }
                if (ready) {
                    return;
                }
                // Workers log errors they recover from ("Error: … retrying"): a failure line
                // decides only once nothing has followed it for a while.
                if (verdict != null && !grew && quietSince(s.watch().logChangedAt())) {
                    stops.failAndRefund(s, verdict.reason(), "", UNCONFIRMED);
                    return;
                }
            } catch (VmClient.VmCallFailed e) {
                LOG.debug("Log of session {} not readable yet: {}", s.id(), e.getMessage());
            }
        }
        timeout(s, rules);
    }

    private boolean quietSince(Long changedAt) {
        return changedAt == null || clock.millis() - changedAt >= failureQuiet.toMillis();
    }

    /** The product's provisioning timeout, applied to the session as read. */
    void timeout(VpsSession s, LogRules logRules) {
        ProvisionRules rules = logRules.rules();
        Duration limit = Duration.ofSeconds(rules.timeoutSeconds());
        long since = s.watch().requestedAt() != null ? s.watch().requestedAt() : s.updatedAt();
        if (s.flagged() || clock.millis() - since <= limit.toMillis()) {
            return;
        }
        String log = s.watch().logLines() == 0 ? "the worker's log never showed a line Vectis could read"
                : "no line of the worker's log matched ready_patterns or failure_patterns";
        String what = "The VM did not become ready within " + TimeWords.of(limit) + ": " + log
                + ". The product's on_provision_timeout is \"" + rules.onTimeout() + "\": ";
        if (rules.onTimeout().equals(ProvisionRules.KEEP)) {
            changes.flag(s.id(), what + "the VM is kept and an operator has been asked to look at it");
        } else {
            stops.failAndRefund(s, what, "the VM was stopped and the price refunded",
                    "the price was refunded, and the VM is being stopped" + UNCONFIRMED);
        }
    }
}
