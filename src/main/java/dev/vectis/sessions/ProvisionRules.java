package dev.vectis.sessions;

import dev.vectis.error.InvalidInputException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * How Vectis reads the log of a product's VMs, and what it does when nothing in the log decides
 * in time. A product's own rules leave fields null to follow the configured defaults
 * ({@code marketplace.*}); {@link #over} fills them in.
 */
public record ProvisionRules(List<String> readyPatterns, List<String> failurePatterns, List<String> redactPatterns,
                             String onTimeout, Integer timeoutSeconds) {

    public static final String REFUND = "refund";
    public static final String KEEP = "keep";
    public static final int MIN_TIMEOUT_SECONDS = 10;
    public static final int MAX_TIMEOUT_SECONDS = 86_400;

    /** The fields as the admin API names them, in the order of the record. */
    public static final List<String> FIELDS = List.of("ready_patterns", "failure_patterns", "redact_patterns",
            "on_provision_timeout", "provision_timeout_seconds");

    /**
     * Lines that mean the VM can be used: "VM is ready!", "VM is running. Use the SSHx link …",
     * "Status: ready", the login details ("RDP: user/password", "SSH: …", "Password: …") and an
     * sshx session link (not the installer's URL, which a log may show first).
     * Leading timestamps and brackets are allowed before the anchored forms. One pattern a line,
     * as marketplace.*_patterns read them from the environment: they are that key's default.
     */
    public static final String READY_LINES = """
            (?i)\\b(vm|vps|server|machine|instance)\\b[^.!\\n]{0,40}?\\bis (now )?(ready|running|up)\\b
            (?i)^[\\W\\d]*status\\s*[:=]\\s*(ready|running)\\b
            (?i)^[\\W\\d]*(rdp|ssh|sshx)\\s*[:=]\\s*\\S
            (?i)^[\\W\\d]*pass(word)?\\s*[:=]\\s*\\S
            (?i)\\bhttps?://sshx\\.io/s/\\S
            """;
    public static final List<String> DEFAULT_READY = READY_LINES.lines().toList();

    /** Lines that mean the worker gave up: "Error: …", "[FATAL] …", "Failed to …", "Status: exited …". */
    public static final String FAILURE_LINES = """
            (?i)^[\\W\\d]*(error|fatal|failed|failure)\\b
            (?i)^[\\W\\d]*status\\s*[:=]\\s*(failed|error|exited|stopped)\\b
            (?i)\\b(vm|vps|server|machine|instance)\\b[^.!\\n]{0,40}?\\b(failed|crashed)\\b
            """;
    public static final List<String> DEFAULT_FAILURE = FAILURE_LINES.lines().toList();

    /** Values of token, secret and API-key assignments, and anything shaped like a JWT. */
    public static final String REDACT_LINES = """
            (?i)(?:token|secret|api[_-]?key)\\s*[:=]\\s*(\\S+)
            \\beyJ[\\w-]{5,}\\.[\\w-]{5,}\\.[\\w-]+
            """;
    public static final List<String> DEFAULT_REDACT = REDACT_LINES.lines().toList();

    /** Nothing set: every field follows the defaults. */
    public static final ProvisionRules INHERIT = new ProvisionRules(null, null, null, null, null);

    public ProvisionRules {
        readyPatterns = copy(readyPatterns);
        failurePatterns = copy(failurePatterns);
        redactPatterns = copy(redactPatterns);
    }

    /** Keeps null entries, so that validation can name them rather than fail on them. */
    private static List<String> copy(List<String> patterns) {
        return patterns == null ? null : Collections.unmodifiableList(new ArrayList<>(patterns));
    }

    /** Refuses the first unusable field with a 400 naming it (e.g. {@code ready_patterns[2]}). */
    public ProvisionRules validated() {
        check(readyPatterns, FIELDS.get(0));
        check(failurePatterns, FIELDS.get(1));
        check(redactPatterns, FIELDS.get(2));
        if (onTimeout != null && !onTimeout.equals(REFUND) && !onTimeout.equals(KEEP)) {
            throw new InvalidInputException(FIELDS.get(3), FIELDS.get(3) + " must be \"refund\" (stop the VM and "
                    + "refund the price) or \"keep\" (keep the VM and flag the session for an operator)");
        }
        if (timeoutSeconds != null && (timeoutSeconds < MIN_TIMEOUT_SECONDS || timeoutSeconds > MAX_TIMEOUT_SECONDS)) {
            throw new InvalidInputException(FIELDS.get(4), FIELDS.get(4) + " must be from " + MIN_TIMEOUT_SECONDS
                    + " to " + MAX_TIMEOUT_SECONDS);
        }
        return this;
    }

    private static void check(List<String> patterns, String field) {
        if (patterns == null) {
            return;
        }
        try {
            LogPatterns.compileAll(patterns, field);
        } catch (LogPatterns.Invalid e) {
            throw new InvalidInputException(e.field(), e.getMessage());
        }
    }

    /** These rules with every unset field taken from {@code defaults}. */
    public ProvisionRules over(ProvisionRules defaults) {
        return new ProvisionRules(
                readyPatterns != null ? readyPatterns : defaults.readyPatterns,
                failurePatterns != null ? failurePatterns : defaults.failurePatterns,
                redactPatterns != null ? redactPatterns : defaults.redactPatterns,
                onTimeout != null ? onTimeout : defaults.onTimeout,
                timeoutSeconds != null ? timeoutSeconds : defaults.timeoutSeconds);
    }

    /** These rules changed: set fields of {@code changes} replace, fields named in {@code reset} go back to unset. */
    public ProvisionRules with(ProvisionRules changes, Set<String> reset) {
        ProvisionRules kept = new ProvisionRules(
                reset.contains(FIELDS.get(0)) ? null : readyPatterns,
                reset.contains(FIELDS.get(1)) ? null : failurePatterns,
                reset.contains(FIELDS.get(2)) ? null : redactPatterns,
                reset.contains(FIELDS.get(3)) ? null : onTimeout,
                reset.contains(FIELDS.get(4)) ? null : timeoutSeconds);
        return changes.over(kept);
    }

    /** The API names of the fields left unset, which follow the defaults. */
    public List<String> unset() {
        List<String> out = new ArrayList<>();
        Object[] values = {readyPatterns, failurePatterns, redactPatterns, onTimeout, timeoutSeconds};
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                out.add(FIELDS.get(i));
            }
        }
        return out;
    }
}
