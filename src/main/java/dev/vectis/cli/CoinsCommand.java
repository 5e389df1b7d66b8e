package dev.vectis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** A user's coin balance (PATCH /admin/users/{id}/coins, docs/vps-marketplace.md#ledger). */
@Command(name = "coins", description = "Adjust a user's coins.")
final class CoinsCommand {

    /** Attempts of one change when the server cannot be reached; its Idempotency-Key makes a repeat harmless. */
    private static final int ATTEMPTS = 3;

    @ParentCommand
    AdminCommand admin;

    @Command(name = "adjust",
            description = "Add (+N or N) or take (-N) coins; with --set, make the balance N. Written to the ledger.")
    int adjust(@Parameters(index = "0", paramLabel = "USER", description = "the user's id") String user,
               @Parameters(index = "1", paramLabel = "AMOUNT", description = "+N, N or -N (or N with --set)") String amount,
               @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "kept in the ledger")
               String reason,
               @Option(names = "--set", description = "AMOUNT is the new balance") boolean set,
               @Option(names = "--idempotency-key", paramLabel = "KEY",
                       description = "repeat an earlier attempt safely (default: a new key)") String key) {
        Map<String, Object> body = new LinkedHashMap<>();
        long n = parse(amount, set);
        body.put("op", set ? "set" : amount.startsWith("-") ? "sub" : "add");
        body.put("amount", Math.abs(n));
        body.put("reason", reason);
        String idempotencyKey = key != null ? key : UUID.randomUUID().toString();
        String path = "/admin/users/" + ApiClient.segment(user) + "/coins";
        Reply reply = null;
        for (int attempt = 1; reply == null; attempt++) {
            try {
                reply = admin.api().send("PATCH", path, body, Map.of("Idempotency-Key", idempotencyKey));
            } catch (CliFailure f) {
                if (f.exitCode() != CliFailure.UNREACHABLE) {
                    throw f;
                }
                if (attempt == ATTEMPTS) {
                    throw CliFailure.unreachable(f.getMessage() + "; the change may or may not have been made: "
                            + "run the same command with --idempotency-key " + idempotencyKey
                            + " to make it at most once");
                }
                sleep(attempt);
            }
        }
        if (admin.json()) {
            admin.printJson(reply);
        } else {
            JsonNode r = reply.json();
            long delta = r.path("entry").path("delta").asLong();
            admin.out().println(Values.text(r.get("user_id")) + " " + r.path("coins").asText() + " coins ("
                    + (delta >= 0 ? "+" : "") + delta + ")");
            admin.out().flush();
        }
        return 0;
    }

    private static long parse(String amount, boolean set) {
        String digits = amount.startsWith("+") || amount.startsWith("-") ? amount.substring(1) : amount;
        long n;
        try {
            n = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n <= 0 || !digits.chars().allMatch(Character::isDigit) || (set && !digits.equals(amount))) {
            throw CliFailure.usage("AMOUNT must be a whole number above 0: +N or N adds, -N takes away"
                    + (set ? "; with --set, N alone" : ""));
        }
        return n;
    }

    private static void sleep(int attempt) {
        try {
            Thread.sleep(1000L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliFailure.unreachable("interrupted");
        }
    }
}
