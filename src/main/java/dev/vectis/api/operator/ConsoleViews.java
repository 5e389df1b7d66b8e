package dev.vectis.api.operator;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.vectis.metrics.FleetHistory;
import dev.vectis.metrics.Overview;
import java.util.List;

/** The bodies of docs/console.md that this package builds itself. */
final class ConsoleViews {

    private ConsoleViews() {
    }

    /** permissions are the lower-case names of what the role grants, in the order read, operate, submit, manage. */
    record Whoami(String id, String name, String role, List<String> permissions) {
    }

    /** lastSuccessAt is null until the loop first succeeds. */
    /** The overview's figures, then this node's last hour and its background loops. */
    record OverviewView(@JsonUnwrapped Overview.Snapshot snapshot, List<FleetHistory.Minute> fleetPerMinute,
                        List<LoopView> loops) {
    }

    record LoopView(String name, String lastSuccessAt, long failures) {
    }

    record Ticket(String ticket, String path, String expiresAt) {
    }
}
