package dev.vectis.workers;

import java.util.Map;

/**
 * The one place the fleet view reads a worker's labels from. Workers carry no labels yet, so
 * every worker's are {} and a label filter matches none; once they are stored, these two
 * methods are all that read them.
 */
final class WorkerLabels {

    private WorkerLabels() {
    }

    /** SQL for the worker's (alias {@code w}) labels as JSON object text; NULL reads as {}. */
    static String json(String w) {
        return "CAST(NULL AS VARCHAR(1))";
    }

    /**
     * SQL, true when the worker (alias {@code w}) has the label {@code key} with {@code value};
     * what it needs bound goes into {@code binds}, named after {@code name}.
     */
    static String has(String w, String key, String value, String name, Map<String, Object> binds) {
        return "1 = 0";
    }
}
