import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One measured run: its key=value arguments, the answers it did not expect, and its results,
 * printed as tab-separated RESULT lines (scenario, system, repetition, metric, value) that
 * bench/run collects and Report summarises.
 */
final class Run {

    private final Map<String, String> args = new TreeMap<>();
    private final Map<String, LongAdder> unexpected = new ConcurrentHashMap<>();

    Run(String[] argv) {
        for (String a : argv) {
            int eq = a.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("arguments are key=value, not " + a);
            }
            args.put(a.substring(0, eq), a.substring(eq + 1));
        }
    }

    String text(String key) {
        String v = args.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing argument " + key + "=");
        }
        return v;
    }

    String text(String key, String fallback) {
        return args.getOrDefault(key, fallback);
    }

    int integer(String key, int fallback) {
        return args.containsKey(key) ? Integer.parseInt(args.get(key)) : fallback;
    }

    double seconds(String key, double fallback) {
        return args.containsKey(key) ? Double.parseDouble(args.get(key)) : fallback;
    }

    /** Counts an answer other than the expected one, by call and status (0: no answer, the connection failed). */
    void unexpected(String call, int status, String body) {
        LongAdder n = unexpected.computeIfAbsent(call + " " + status, k -> new LongAdder());
        n.increment();
        if (n.sum() == 1) {
            String shown = body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "…" : body;
            System.err.println("unexpected answer: " + call + " -> " + status + " " + shown);
        }
    }

    long unexpectedCount() {
        return unexpected.values().stream().mapToLong(LongAdder::sum).sum();
    }

    void result(String metric, double value) {
        System.out.printf(java.util.Locale.ROOT, "RESULT\t%s\t%s\t%s\t%s\t%.4f%n", text("scenario"), text("system"),
                text("rep", "1"), metric, value);
    }

    /** A remark on the run for the results file, beside its figures. */
    void note(String text) {
        System.out.printf("NOTE\t%s\t%s\t%s\t%s%n", text("scenario"), text("system"), text("rep", "1"), text);
    }

    /** The unexpected answers as results: their total, and one line per call and status. */
    void reportUnexpected() {
        result("errors", unexpectedCount());
        new TreeMap<>(unexpected).forEach((k, v) -> System.out.printf("NOTE\t%s\t%s\t%s\t%d× %s%n",
                text("scenario"), text("system"), text("rep", "1"), v.sum(), k));
    }

    static void sleepUntil(long deadlineNanos) throws InterruptedException {
        long left;
        while ((left = deadlineNanos - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, Math.min(left / 1_000_000, 200)));
        }
    }

    static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.start();
        return t;
    }
}
