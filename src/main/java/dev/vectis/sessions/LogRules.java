package dev.vectis.sessions;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A product's rules compiled for use: redaction of a worker's log, and the reading that says
 * whether the VM is ready, failed, or neither yet. Both work line by line under one
 * {@link LogPatterns.Budget} per pass, so a long log or a backtracking pattern costs a bounded
 * amount of work. Redaction fails closed: text it could not check is not shown.
 */
final class LogRules {

    static final String REDACTED = "[redacted]";
    static final String UNCHECKED_LINE = "[redacted: this line could not be checked]";
    static final String UNCHECKED_REST = "[redacted: the rest of the log could not be checked]";
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[ -/]*[@-~]");
    private static final int QUOTED_LINE = 200;

    /** What the log decided, and a sentence saying which rule decided it. */
    record Verdict(boolean ready, String reason) {
    }

    /** Non-blank lines seen, and the verdict of the last line that matched a rule (null: none did). */
    record Reading(int lines, Verdict verdict) {
    }

    private final List<Pattern> ready;
    private final List<Pattern> failure;
    private final List<Pattern> redact;
    private final ProvisionRules rules;

    private LogRules(ProvisionRules rules) {
        this.rules = rules;
        this.ready = LogPatterns.compileAll(rules.readyPatterns(), ProvisionRules.FIELDS.get(0));
        this.failure = LogPatterns.compileAll(rules.failurePatterns(), ProvisionRules.FIELDS.get(1));
        this.redact = LogPatterns.compileAll(rules.redactPatterns(), ProvisionRules.FIELDS.get(2));
    }

    /** Compiles effective rules (every field set). */
    static LogRules of(ProvisionRules effective) {
        return new LogRules(effective);
    }

    ProvisionRules rules() {
        return rules;
    }

    /** The log with every redaction pattern applied: to each capture group if it has any, else to the match. */
    String redact(String log) {
        if (redact.isEmpty()) {
            return log;
        }
        LogPatterns.Budget budget = LogPatterns.Budget.forLog(log.length(), redact.size());
        String[] lines = log.split("\n", -1);
        StringBuilder out = new StringBuilder(log.length());
        for (int i = 0; i < lines.length; i++) {
            if (budget.exhausted()) {
                out.append(UNCHECKED_REST);
                break;
            }
            out.append(redactLine(lines[i], budget));
            if (i < lines.length - 1) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    private String redactLine(String line, LogPatterns.Budget budget) {
        String current = line;
        for (Pattern p : redact) {
            LogPatterns.Guarded text = new LogPatterns.Guarded(current, budget.forLine(current.length()));
            List<int[]> spans = new ArrayList<>();
            try {
                Matcher m = p.matcher(text);
                while (m.find()) {
                    if (m.groupCount() == 0) {
                        spans.add(new int[] {m.start(), m.end()});
                    }
                    for (int g = 1; g <= m.groupCount(); g++) {
                        if (m.start(g) >= 0) {
                            spans.add(new int[] {m.start(g), m.end(g)});
                        }
                    }
                }
            } catch (LogPatterns.OutOfBudget e) {
                return UNCHECKED_LINE;
            } finally {
                budget.spend(text.reads);
            }
            current = blank(current, spans);
        }
        return current;
    }

    /** Replaces each non-empty span (they may overlap) with the redaction mark. */
    private static String blank(String line, List<int[]> spans) {
        spans.removeIf(s -> s[1] <= s[0]);
        if (spans.isEmpty()) {
            return line;
        }
        spans.sort((a, b) -> Integer.compare(a[0], b[0]));
        StringBuilder out = new StringBuilder();
        int at = 0;
        for (int[] s : spans) {
            if (s[1] <= at) {
                continue;
            }
            out.append(line, at, Math.max(at, s[0])).append(REDACTED);
            at = s[1];
        }
        return out.append(line.substring(at)).toString();
    }

    /**
     * Reads an already redacted log. The last line that matches a rule decides, so a worker
     * that reports a retried error and then the VM ready is ready; on one line, failure wins.
     * The log is read from its end, where the decision is, so a long log costs little. A
     * pattern that gives up on a line counts as not matching it.
     */
    Reading read(String redactedLog) {
        String[] lines = redactedLog.split("\r\n|\r|\n");
        int nonBlank = 0;
        for (int i = 0; i < lines.length; i++) {
            lines[i] = ANSI.matcher(lines[i]).replaceAll("").strip();
            nonBlank += lines[i].isEmpty() ? 0 : 1;
        }
        LogPatterns.Budget budget = LogPatterns.Budget.forLog(redactedLog.length(), ready.size() + failure.size());
        for (int i = lines.length - 1; i >= 0 && !budget.exhausted(); i--) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            int failed = first(failure, line, budget);
            if (failed >= 0) {
                return new Reading(nonBlank, new Verdict(false, "The worker's log reported a failure: line "
                        + (i + 1) + " \"" + quote(line) + "\" matched " + rule(1, failed)));
            }
            int matched = first(ready, line, budget);
            if (matched >= 0) {
                return new Reading(nonBlank, new Verdict(true, "Line " + (i + 1) + " of the worker's log matched "
                        + rule(0, matched)));
            }
        }
        return new Reading(nonBlank, null);
    }

    private static int first(List<Pattern> patterns, String line, LogPatterns.Budget budget) {
        for (int i = 0; i < patterns.size() && !budget.exhausted(); i++) {
            try {
                if (LogPatterns.find(patterns.get(i), line, budget)) {
                    return i;
                }
            } catch (LogPatterns.OutOfBudget e) {
                // a pattern that backtracks without end on this line does not match it
            }
        }
        return -1;
    }

    private String rule(int list, int index) {
        List<String> texts = list == 0 ? rules.readyPatterns() : rules.failurePatterns();
        return ProvisionRules.FIELDS.get(list) + "[" + index + "] " + texts.get(index);
    }

    private static String quote(String line) {
        return line.length() <= QUOTED_LINE ? line : line.substring(0, QUOTED_LINE) + "…";
    }
}
