package dev.vectis.sessions;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Operator-supplied regular expressions run against worker logs. A worker's log is untrusted
 * and up to a MiB long, and java.util.regex backtracks without limit, so every match runs over
 * a {@link Budget}: the characters the regex may read. A match that runs out gives up instead
 * of pinning a thread; counting reads rather than time keeps the outcome the same on any
 * machine.
 */
public final class LogPatterns {

    public static final int MAX_PATTERNS = 20;
    public static final int MAX_LENGTH = 500;

    /** Thrown from inside a match whose budget ran out. */
    static final class OutOfBudget extends RuntimeException {
        OutOfBudget() {
            super(null, null, false, false);
        }
    }

    /**
     * Reads left for one pass over a log. A pattern that does not backtrack reads each
     * character a few times, so the allowance is a few reads per character per pattern,
     * plus room for short logs; a whole pass stays linear in the log's size.
     */
    static final class Budget {
        private long left;

        Budget(long reads) {
            this.left = reads;
        }

        static Budget forLog(int length, int patterns) {
            return new Budget(4_000_000L + 8L * length * patterns);
        }

        boolean exhausted() {
            return left <= 0;
        }

        /** What one pattern may spend on one line: linear in its length, so only backtracking runs out. */
        long forLine(int length) {
            return Math.min(left, 10_000L + 200L * length);
        }

        void spend(long reads) {
            left -= reads;
        }
    }

    private LogPatterns() {
    }

    /** Compiles one pattern, or says in a sentence what is wrong with it. */
    public static Pattern compile(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("must be a non-empty regular expression");
        }
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("must be at most " + MAX_LENGTH + " characters");
        }
        Pattern p;
        try {
            p = Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("is not a valid regular expression: " + e.getDescription()
                    + " near index " + e.getIndex());
        }
        if (p.matcher("").find()) {
            // It would match every line, and as a redaction it would redact nothing but still run.
            throw new IllegalArgumentException("matches an empty line, so it would match every line");
        }
        return p;
    }

    /** Compiles a list; the problem names the list's entry, e.g. {@code ready_patterns[2]}. */
    public static List<Pattern> compileAll(List<String> texts, String field) {
        if (texts.size() > MAX_PATTERNS) {
            throw new Invalid(field, (field + " may have at most " + MAX_PATTERNS + " patterns").trim());
        }
        List<Pattern> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            try {
                out.add(compile(texts.get(i)));
            } catch (IllegalArgumentException e) {
                String at = field + "[" + i + "]";
                throw new Invalid(at, at + " " + e.getMessage());
            }
        }
        return out;
    }

    /** A pattern list that cannot be used; {@link #field()} names the entry at fault. */
    public static final class Invalid extends IllegalArgumentException {
        private final String field;

        Invalid(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** Whether the pattern occurs in the line; {@link OutOfBudget} when the regex gave up. */
    static boolean find(Pattern p, String line, Budget budget) {
        Guarded text = new Guarded(line, budget.forLine(line.length()));
        try {
            return p.matcher(text).find();
        } finally {
            budget.spend(text.reads);
        }
    }

    /** A line as the regex engine sees it: every character read is counted against a limit. */
    static final class Guarded implements CharSequence {
        private final String text;
        private final long limit;
        long reads;

        Guarded(String text, long limit) {
            this.text = text;
            this.limit = limit;
        }

        @Override
        public char charAt(int index) {
            if (++reads > limit) {
                throw new OutOfBudget();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.substring(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
