package dev.vectis.metrics;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;

/**
 * The fleet at a glance, for the console's first page (GET /api/v1/overview): workers by state
 * and by the contract that enrolled them, the job queue, jobs finished per minute over the last
 * hour by outcome, sessions by state, and what the ledger moved today (UTC). Each figure is one
 * grouped query, read from an index where the table grows.
 */
public final class Overview {

    public static final Duration WINDOW = Duration.ofHours(1);
    private static final int QUERY_TIMEOUT_SECONDS = 5;

    private Overview() {
    }

    public static Map<String, Object> read(Handle h, long now) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("at", Instant.ofEpochMilli(now).toString());
        out.put("workers", workers(h));
        FleetSnapshot s = FleetSnapshot.read(h, now);
        Map<String, Object> queue = new LinkedHashMap<>();
        queue.put("pending", s.pending());
        queue.put("running", s.running());
        queue.put("oldestPendingAt", s.oldestPendingCreatedAt() == null ? null
                : Instant.ofEpochMilli(s.oldestPendingCreatedAt()).toString());
        out.put("queue", queue);
        out.put("jobsPerMinute", jobsPerMinute(h, now));
        out.put("vpsSessions", new TreeMap<>(s.vpsSessions()));
        out.put("chatSessions", new TreeMap<>(s.chatSessions()));
        out.put("coins", today(h, now, s.coins()));
        return out;
    }

    /** {@code byState}, {@code byContract} and {@code total}, in the fleet view's words for states. */
    private static Map<String, Object> workers(Handle h) {
        Map<String, Long> byState = new TreeMap<>();
        Map<String, Long> byContract = new TreeMap<>();
        long[] total = {0};
        h.createQuery("SELECT enrolled_via, status, online, reported_status, COUNT(*) AS n FROM workers "
                        + "GROUP BY enrolled_via, status, online, reported_status")
                .setQueryTimeout(QUERY_TIMEOUT_SECONDS)
                .map((rs, ctx) -> {
                    long n = rs.getLong("n");
                    byState.merge(state(rs.getString("status"), rs.getBoolean("online"),
                            rs.getString("reported_status")), n, Long::sum);
                    byContract.merge(rs.getString("enrolled_via"), n, Long::sum);
                    total[0] += n;
                    return 0;
                }).list();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("total", total[0]);
        m.put("byState", byState);
        m.put("byContract", byContract);
        return m;
    }

    /** What an operator set comes first, then silence, then what the worker reports (docs/fleet.md). */
    static String state(String status, boolean online, String reported) {
        if (status != null && !status.equals("active")) {
            return status;
        }
        if (!online) {
            return "offline";
        }
        return "MAINTENANCE".equals(reported) ? "maintenance" : "online";
    }

    /** One row per minute of the window, oldest first: {@code minute} and a count per outcome. */
    private static List<Map<String, Object>> jobsPerMinute(Handle h, long now) {
        long firstMinute = (now - WINDOW.toMillis()) / 60_000 + 1;
        long lastMinute = now / 60_000;
        Map<Long, Map<String, Long>> counts = new TreeMap<>();
        h.createQuery("SELECT completed_at / 60000 AS bucket, status, COUNT(*) AS n FROM jobs "
                        + "WHERE completed_at >= :since GROUP BY completed_at / 60000, status")
                .bind("since", firstMinute * 60_000).setQueryTimeout(QUERY_TIMEOUT_SECONDS)
                .map((rs, ctx) -> counts.computeIfAbsent(rs.getLong("bucket"), k -> new TreeMap<>())
                        .merge(rs.getString("status"), rs.getLong("n"), Long::sum))
                .list();
        List<Map<String, Object>> series = new ArrayList<>();
        for (long minute = firstMinute; minute <= lastMinute; minute++) {
            Map<String, Long> c = counts.getOrDefault(minute, Map.of());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("minute", Instant.ofEpochMilli(minute * 60_000).toString());
            row.put("completed", c.getOrDefault("completed", 0L));
            row.put("failed", c.getOrDefault("failed", 0L));
            row.put("cancelled", c.getOrDefault("cancelled", 0L));
            series.add(row);
        }
        return series;
    }

    /** Purchases, refunds and operators' adjustments since midnight UTC, and the coins users hold now. */
    private static Map<String, Object> today(Handle h, long now, long held) {
        long midnight = LocalDate.ofInstant(Instant.ofEpochMilli(now), ZoneOffset.UTC).atStartOfDay()
                .toInstant(ZoneOffset.UTC).toEpochMilli();
        Map<String, long[]> byOp = new TreeMap<>();
        h.createQuery("SELECT op, COUNT(*) AS n, COALESCE(SUM(delta), 0) AS d FROM ledger_entries "
                        + "WHERE created_at >= :midnight GROUP BY op")
                .bind("midnight", midnight).setQueryTimeout(QUERY_TIMEOUT_SECONDS)
                .map((rs, ctx) -> byOp.put(rs.getString("op"), new long[] {rs.getLong("n"), rs.getLong("d")}))
                .list();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("held", held);
        m.put("since", Instant.ofEpochMilli(midnight).toString());
        long[] purchases = byOp.getOrDefault("purchase", new long[2]);
        m.put("purchasesToday", purchases[0]);
        m.put("coinsSpentToday", -purchases[1]);
        m.put("refundedToday", byOp.getOrDefault("refund", new long[2])[1]);
        long adjusted = 0;
        for (String op : List.of("add", "sub", "set")) {
            adjusted += byOp.getOrDefault(op, new long[2])[1];
        }
        m.put("adjustedToday", adjusted);
        return m;
    }
}
