import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the RESULT and NOTE lines of a suite run and prints, per scenario, the median of each
 * metric over the repetitions, then the targets of issue 12 as ratios and limits with PASS or
 * BELOW TARGET, last.
 */
public final class Report {

    /** A scenario's table: its title and the metrics shown, as metric=heading. */
    private record Table(String scenario, String title, String[] columns) {
    }

    private static final List<Table> TABLES = List.of(
            new Table("cycle", "Job cycle: create -> fetch -> complete, saturated",
                    new String[] {"jobs_per_s=jobs/s", "p50_ms=p50 ms", "p99_ms=p99 ms", "tx_per_job=tx/job",
                        "server_cpu_pct=server CPU %", "client_cpu_pct=client CPU %", "machine_busy_pct=machine busy %",
                        "unfinished=unfinished", "errors=errors"}),
            new Table("heartbeat", "Gateway heartbeat with metrics vs a no-op endpoint, closed loop",
                    new String[] {"req_per_s=req/s", "p50_ms=p50 ms", "p99_ms=p99 ms", "server_cpu_pct=server CPU %",
                        "client_cpu_pct=client CPU %", "errors=errors"}),
            new Table("purchase", "Users buying VPS sessions at once, local worker (vectis: paced; saturated: closed loop)",
                    new String[] {"req_per_s=purchases/s", "p50_ms=p50 ms", "p99_ms=p99 ms", "p999_ms=p99.9 ms",
                        "server_cpu_pct=server CPU %", "errors=errors"}),
            new Table("lookup", "GET one worker among many",
                    new String[] {"req_per_s=req/s", "p50_ms=p50 ms", "p99_ms=p99 ms", "p999_ms=p99.9 ms", "errors=errors"}),
            new Table("rss", "Server memory with a heartbeating fleet",
                    new String[] {"rss_max_mib=max RSS MiB", "rss_end_mib=end RSS MiB", "rss_before_mib=idle RSS MiB",
                        "beats_per_s=beats/s", "p99_ms=p99 ms", "errors=errors"}));

    /** scenario -> system -> metric -> values, in the order first seen. */
    private final Map<String, Map<String, Map<String, List<Double>>>> values = new LinkedHashMap<>();
    private final Map<String, List<String>> notes = new LinkedHashMap<>();
    private final long history;
    private int passed;
    private int missed;

    private Report(long history) {
        this.history = history;
    }

    public static void main(String[] argv) throws Exception {
        Report r = new Report(argv.length > 1 ? Long.parseLong(argv[1]) : 1_000_000);
        for (String line : Files.readAllLines(Path.of(argv[0]))) {
            String[] f = line.split("\t");
            if (f[0].equals("RESULT") && f.length == 6) {
                r.values.computeIfAbsent(f[1], k -> new LinkedHashMap<>()).computeIfAbsent(f[2], k -> new LinkedHashMap<>())
                        .computeIfAbsent(f[4], k -> new ArrayList<>()).add(Double.parseDouble(f[5]));
            } else if (f[0].equals("NOTE") && f.length == 5) {
                r.notes.computeIfAbsent(f[1], k -> new ArrayList<>()).add(f[2] + " run " + f[3] + ": " + f[4]);
            }
        }
        for (Table t : TABLES) {
            r.table(t);
        }
        r.targets();
    }

    private void table(Table t) {
        Map<String, Map<String, List<Double>>> systems = values.get(t.scenario());
        if (systems == null) {
            return;
        }
        int runs = systems.values().stream().flatMap(m -> m.values().stream()).mapToInt(List::size).max().orElse(0);
        System.out.printf("%n== %s (median of %d run%s) ==%n", t.title(), runs, runs == 1 ? "" : "s");
        StringBuilder head = new StringBuilder(String.format("%-12s", "system"));
        for (String c : t.columns()) {
            String h = c.substring(c.indexOf('=') + 1);
            head.append(String.format("%" + Math.max(9, h.length() + 2) + "s", h));
        }
        System.out.println(head);
        systems.forEach((system, metrics) -> {
            StringBuilder row = new StringBuilder(String.format("%-12s", system));
            for (String c : t.columns()) {
                String h = c.substring(c.indexOf('=') + 1);
                Double m = median(metrics.get(c.substring(0, c.indexOf('='))));
                row.append(String.format("%" + Math.max(9, h.length() + 2) + "s", m == null ? "-" : format(m)));
            }
            System.out.println(row);
        });
        for (String n : notes.getOrDefault(t.scenario(), List.of())) {
            System.out.println("  note: " + n);
        }
    }

    private void targets() {
        System.out.printf("%n== Targets (issue 12), from the medians above ==%n");
        ratio("job cycle: Vectis / graphile-worker jobs/s", get("cycle", "vectis", "jobs_per_s"),
                get("cycle", "graphile", "jobs_per_s"), 1.0);
        ratio("job cycle: Vectis / pg-boss jobs/s", get("cycle", "vectis", "jobs_per_s"),
                get("cycle", "pgboss", "jobs_per_s"), 1.5);
        ratio(String.format("claim with %,d finished jobs / with none, jobs/s", history),
                get("cycle", "vectis-hist", "jobs_per_s"),
                get("cycle", "vectis", "jobs_per_s"), 0.9);
        ratio("gateway heartbeat / no-op, req/s", get("heartbeat", "heartbeat", "req_per_s"),
                get("heartbeat", "noop", "req_per_s"), 0.8);
        below("100 users buying, 240/s in all: purchase p99 ms", get("purchase", "vectis", "p99_ms"), 100);
        below("GET one worker among 100,000: p99 ms", get("lookup", "vectis", "p99_ms"), 1);
        below("server RSS with 20,000 workers heartbeating, MiB", get("rss", "vectis", "rss_max_mib"), 512);
        Double sent = get("rss", "vectis", "beats_per_s");
        Double due = get("rss", "vectis", "beats_due_per_s");
        if (sent != null && due != null && sent < 0.95 * due) {
            System.out.printf("  (the fleet's heartbeats fell behind: %s a second of %s due)%n", format(sent), format(due));
        }
        System.out.printf("%n%d of %d targets met%n", passed, passed + missed);
    }

    private void ratio(String what, Double a, Double b, double target) {
        if (a == null || b == null || b == 0) {
            System.out.printf("%-56s %8s  (>= %.2f)  NOT MEASURED%n", what, "-", target);
            return;
        }
        verdict(String.format(Locale.ROOT, "%-56s %8.3f  (>= %.2f)", what, a / b, target), a / b >= target);
    }

    private void below(String what, Double value, double limit) {
        if (value == null) {
            System.out.printf("%-56s %8s  (< %s)  NOT MEASURED%n", what, "-", format(limit));
            return;
        }
        verdict(String.format(Locale.ROOT, "%-56s %8s  (< %s)", what, format(value), format(limit)), value < limit);
    }

    private void verdict(String line, boolean ok) {
        System.out.println(line + "  " + (ok ? "PASS" : "BELOW TARGET"));
        if (ok) {
            passed++;
        } else {
            missed++;
        }
    }

    private Double get(String scenario, String system, String metric) {
        return median(values.getOrDefault(scenario, Map.of()).getOrDefault(system, Map.of()).get(metric));
    }

    private static Double median(List<Double> v) {
        if (v == null || v.isEmpty()) {
            return null;
        }
        List<Double> s = v.stream().filter(d -> !d.isNaN()).sorted().toList();
        if (s.isEmpty()) {
            return Double.NaN;
        }
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static String format(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%,.0f" : a >= 10 ? "%.1f" : "%.2f", v);
    }
}
