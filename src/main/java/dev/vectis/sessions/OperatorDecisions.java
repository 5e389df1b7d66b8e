package dev.vectis.sessions;

import dev.vectis.error.ConflictException;
import dev.vectis.error.InvalidInputException;
import java.util.function.Function;

/** What an operator may decide about a session that the rules and the worker could not settle. */
final class OperatorDecisions {

    private final SessionChanges changes;
    private final WorkerStops stops;
    private final Function<String, VpsSession> get;

    OperatorDecisions(SessionChanges changes, WorkerStops stops, Function<String, VpsSession> get) {
        this.changes = changes;
        this.stops = stops;
        this.get = get;
    }

    /**
     * An operator's decision on a session: {@code ready} (the VM works though its log did not
     * say so), {@code refund} (stop the VM and refund, for a provisioning session) or
     * {@code release} (free the slot of a stopping session whose worker will never confirm).
     */
    public VpsSession resolve(String sessionId, String action) {
        VpsSession s = get.apply(sessionId);
        switch (action == null ? "" : action) {
            case "ready" -> {
                requireStatus(s, "provisioning", action);
                changes.transition(sessionId, "ready", null, "An operator marked the VM ready");
            }
            case "refund" -> {
                if (s.inDoubt()) {
                    changes.failAndRefund(sessionId, "An operator found no VM for this session on the worker; the slot "
                            + "was freed and the price refunded");
                    break;
                }
                requireStatus(s, "provisioning", action);
                stops.failAndRefund(s, "An operator ", "stopped the VM and refunded the price",
                        "refunded the price" + ProvisionWatch.UNCONFIRMED);
            }
            case "release" -> {
                if (s.status().equals("failed") && s.holdsSlot()) {
                    changes.stopConfirmed(sessionId, "An operator released the slot without the worker's confirmation");
                    break;
                }
                requireStatus(s, "stopping", action);
                changes.end(sessionId, "deleted", "An operator released the slot without the worker's confirmation");
            }
            default -> throw new InvalidInputException("action", "action must be \"ready\", \"refund\" or \"release\"");
        }
        return get.apply(sessionId);
    }

    private static void requireStatus(VpsSession s, String status, String action) {
        if (!s.status().equals(status)) {
            throw new ConflictException("WRONG_STATUS", "\"" + action + "\" applies to a " + status
                    + " session; this one is " + s.status());
        }
    }
}
