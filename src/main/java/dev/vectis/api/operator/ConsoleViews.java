package dev.vectis.api.operator;

import java.util.List;

/** The bodies of docs/console.md that this package builds itself. */
final class ConsoleViews {

    private ConsoleViews() {
    }

    /** permissions are the lower-case names of what the role grants, in the order read, operate, submit, manage. */
    record Whoami(String id, String name, String role, List<String> permissions) {
    }

    /** lastSuccessAt is null until the loop first succeeds. */
    record LoopView(String name, String lastSuccessAt, long failures) {
    }

    record Ticket(String ticket, String path, String expiresAt) {
    }
}
