package dev.vectis.metrics;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
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

    /** The overview; its maps are keyed by data (states, contracts) and sorted. */
    public record Snapshot(String at, Workers workers, Queue queue, List<Minute> jobsPerMinute,
                           Map<String, Long> vpsSessions, Map<String, Long> chatSessions, Coins coins) {
    }

    public record Workers(long total, Map<String, Long> byState, Map<String, Long> byContract) {
    }

    public record Queue(long pending, long running, String oldestPendingAt) {
    }

    /** Jobs that ended in one minute, by outcome. */
    public record Minute(String minute, long completed, long failed, long cancelled) {
    }

    public record Coins(long held, String since, long purchasesToday, long coinsSpentToday, long refundedToday,
                        long adjustedToday) {
    }

    public static Snapshot read(Handle h, long now) {
        Workers workers = workers(h);
        FleetSnapshot s = FleetSnapshot.read(h, now);
        Queue queue = new Queue(s.pending(), s.running(), s.oldestPendingCreatedAt() == null ? null
                : Instant.ofEpochMilli(s.oldestPendingCreatedAt()).toString());
        return new Snapshot(Instant.ofEpochMilli(now).toString(), workers, queue, jobsPerMinute(h, now),
                new TreeMap<>(s.vpsSessions()), new TreeMap<>(s.chatSessions()), today(h, now, s.coins()));
    }

    /** {@code byState}, {@code byContract} and {@code total}, in the fleet view's words for states. */
    private static Workers workers(Handle h) {
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
        return new Workers(total[0], byState, byContract);
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
    private static List<Minute> jobsPerMinute(Handle h, long now) {
        long firstMinute = (now - WINDOW.toMillis()) / 60_000 + 1;
        long lastMinute = now / 60_000;
        Map<Long, Map<String, Long>> counts = new TreeMap<>();
        h.createQuery("SELECT completed_at / 60000 AS bucket, status, COUNT(*) AS n FROM jobs "
                        + "WHERE completed_at >= :since GROUP BY completed_at / 60000, status")
                .bind("since", firstMinute * 60_000).setQueryTimeout(QUERY_TIMEOUT_SECONDS)
                .map((rs, ctx) -> counts.computeIfAbsent(rs.getLong("bucket"), k -> new TreeMap<>())
                        .merge(rs.getString("status"), rs.getLong("n"), Long::sum))
                .list();
        List<Minute> series = new ArrayList<>();
        for (long minute = firstMinute; minute <= lastMinute; minute++) {
            Map<String, Long> c = counts.getOrDefault(minute, Map.of());
            series.add(new Minute(Instant.ofEpochMilli(minute * 60_000).toString(), c.getOrDefault("completed", 0L),
                    c.getOrDefault("failed", 0L), c.getOrDefault("cancelled", 0L)));
        }
        return series;
    }

    /** Purchases, refunds and operators' adjustments since midnight UTC, and the coins users hold now. */
    private static Coins today(Handle h, long now, long held) {
        long midnight = LocalDate.ofInstant(Instant.ofEpochMilli(now), ZoneOffset.UTC).atStartOfDay()
                .toInstant(ZoneOffset.UTC).toEpochMilli();
        Map<String, long[]> byOp = new TreeMap<>();
        h.createQuery("SELECT op, COUNT(*) AS n, COALESCE(SUM(delta), 0) AS d FROM ledger_entries "
                        + "WHERE created_at >= :midnight GROUP BY op")
                .bind("midnight", midnight).setQueryTimeout(QUERY_TIMEOUT_SECONDS)
                .map((rs, ctx) -> byOp.put(rs.getString("op"), new long[] {rs.getLong("n"), rs.getLong("d")}))
                .list();
        long[] purchases = byOp.getOrDefault("purchase", new long[2]);
        long adjusted = 0;
        for (String op : List.of("add", "sub", "set")) {
            adjusted += byOp.getOrDefault(op, new long[2])[1];
        }
        return new Coins(held, Instant.ofEpochMilli(midnight).toString(), purchases[0], -purchases[1],
                byOp.getOrDefault("refund", new long[2])[1], adjusted);
    }
}
