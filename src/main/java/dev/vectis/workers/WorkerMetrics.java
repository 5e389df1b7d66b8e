package dev.vectis.workers;

import dev.vectis.db.Columns;
import dev.vectis.db.CopyRows;
import dev.vectis.db.Dialect;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Metrics samples from heartbeats: queued in memory, inserted in batches, pruned after the
 * retention period. Like heartbeats, a crash loses at most one flush interval.
 */
public final class WorkerMetrics {

    private static final int MAX_QUEUED = 200_000;
    private static final int TRANSACTION = 10_000;
    private static final int PART = 1000;
    private static final String COLUMNS = "worker_id, status, cpu_usage, memory_usage, uptime, message_count, "
            + "session_total, session_connected, session_disconnected, session_qr_required, session_reconnecting, "
            + "session_error, reported_at, extra, created_at";
    /**
     * On H2 a part of a flush is one statement: the samples go as one array per column, so the
     * database parses, plans and executes once per part rather than once per sample, and ids
     * follow the samples' order.
     */
    private static final String INSERT = "INSERT INTO worker_metrics (" + COLUMNS + ") SELECT * FROM UNNEST("
            + "CAST(:workerId AS VARCHAR ARRAY), CAST(:status AS VARCHAR ARRAY), "
            + "CAST(:cpuUsage AS DOUBLE PRECISION ARRAY), CAST(:memoryUsage AS DOUBLE PRECISION ARRAY), "
            + "CAST(:uptime AS BIGINT ARRAY), CAST(:messageCount AS BIGINT ARRAY), "
            + "CAST(:sessionTotal AS INTEGER ARRAY), CAST(:sessionConnected AS INTEGER ARRAY), "
            + "CAST(:sessionDisconnected AS INTEGER ARRAY), CAST(:sessionQrRequired AS INTEGER ARRAY), "
            + "CAST(:sessionReconnecting AS INTEGER ARRAY), CAST(:sessionError AS INTEGER ARRAY), "
            + "CAST(:reportedAt AS VARCHAR ARRAY), CAST(:extra AS VARCHAR ARRAY), CAST(:createdAt AS BIGINT ARRAY))";
    static final String PRUNE = "DELETE FROM worker_metrics WHERE created_at < :cutoff";
    /** Which of a flush's workers exist: read once per worker, not once per sample. */
    private static final String EXISTING = "SELECT id FROM workers WHERE id = ANY(CAST(:ids AS VARCHAR ARRAY))";

    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration retention;
    private final ConcurrentLinkedQueue<MetricsSample> queue = new ConcurrentLinkedQueue<>();
    /** The queue's length, kept here: ConcurrentLinkedQueue.size() walks the whole queue on every call. */
    private final AtomicInteger queued = new AtomicInteger();

    public WorkerMetrics(Jdbi jdbi, Clock clock, Duration retention) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.retention = retention;
    }

    public void record(MetricsSample sample) {
        queue.add(sample);
        // If the database is down for long, drop the oldest rather than run out of memory.
        if (queued.incrementAndGet() > MAX_QUEUED && queue.poll() != null) {
            queued.decrementAndGet();
        }
    }

    /**
     * Writes what was queued when it began, in transactions of at most {@link #TRANSACTION}
     * samples. All of it, not one transaction's worth: under load a sample left for the next
     * flush stays in memory long enough to be copied by the garbage collector again and again.
     */
    public void flush() {
        for (int due = queued.get(); due > 0; ) {
            int written = flushSome(Math.min(due, TRANSACTION));
            if (written == 0) {
                return;
            }
            due -= written;
        }
    }

    private int flushSome(int most) {
        List<MetricsSample> batch = new ArrayList<>(most);
        for (MetricsSample s; batch.size() < most && (s = queue.poll()) != null; ) {
            queued.decrementAndGet();
            batch.add(s);
        }
        if (batch.isEmpty()) {
            return 0;
        }
        try {
            jdbi.useTransaction(h -> {
                // A sample of a worker removed meanwhile is left out, not the flush.
                Set<String> existing = new HashSet<>(h.createQuery(EXISTING)
                        .bindArray("ids", String.class, batch.stream().map(MetricsSample::workerId).distinct().toList())
                        .mapTo(String.class).list());
                List<MetricsSample> kept = batch.stream().filter(s -> existing.contains(s.workerId())).toList();
                if (Dialect.of(h) == Dialect.POSTGRESQL) {
                    copy(h, kept);
                    return;
                }
                for (int from = 0; from < kept.size(); from += PART) {
                    insert(h, kept.subList(from, Math.min(kept.size(), from + PART)));
                }
            });
        } catch (RuntimeException e) {
            batch.forEach(s -> {
                queue.add(s);
                queued.incrementAndGet();
            });
            throw e;
        }
        return batch.size();
    }

    private static void insert(Handle h, List<MetricsSample> part) {
        h.createUpdate(INSERT)
                .bindArray("workerId", String.class, column(part, MetricsSample::workerId))
                .bindArray("status", String.class, column(part, MetricsSample::status))
                .bindArray("cpuUsage", Double.class, column(part, MetricsSample::cpuUsage))
                .bindArray("memoryUsage", Double.class, column(part, MetricsSample::memoryUsage))
                .bindArray("uptime", Long.class, column(part, MetricsSample::uptime))
                .bindArray("messageCount", Long.class, column(part, MetricsSample::messageCount))
                .bindArray("sessionTotal", Integer.class, column(part, MetricsSample::sessionTotal))
                .bindArray("sessionConnected", Integer.class, column(part, MetricsSample::sessionConnected))
                .bindArray("sessionDisconnected", Integer.class, column(part, MetricsSample::sessionDisconnected))
                .bindArray("sessionQrRequired", Integer.class, column(part, MetricsSample::sessionQrRequired))
                .bindArray("sessionReconnecting", Integer.class, column(part, MetricsSample::sessionReconnecting))
                .bindArray("sessionError", Integer.class, column(part, MetricsSample::sessionError))
                .bindArray("reportedAt", String.class, column(part, MetricsSample::reportedAt))
                .bindArray("extra", String.class, column(part, MetricsSample::extra))
                .bindArray("createdAt", Long.class, column(part, MetricsSample::createdAt))
                .execute();
    }

    /** PostgreSQL takes a flush as one COPY, in order: about half the work of the array insert per sample. */
    private static void copy(Handle h, List<MetricsSample> samples) {
        CopyRows.into(h, "worker_metrics", COLUMNS, out -> {
            for (MetricsSample s : samples) {
                out.text(s.workerId()).text(s.status()).number(s.cpuUsage()).number(s.memoryUsage())
                        .number(s.uptime()).number(s.messageCount()).number(s.sessionTotal())
                        .number(s.sessionConnected()).number(s.sessionDisconnected()).number(s.sessionQrRequired())
                        .number(s.sessionReconnecting()).number(s.sessionError()).text(s.reportedAt())
                        .text(s.extra()).number(s.createdAt());
                out.endRow();
            }
        });
    }

    private static <T> List<T> column(List<MetricsSample> part, Function<MetricsSample, T> field) {
        List<T> values = new ArrayList<>(part.size());
        part.forEach(s -> values.add(field.apply(s)));
        return values;
    }

    /** Deletes samples older than the retention period; returns how many. */
    public int prune() {
        long cutoff = clock.millis() - retention.toMillis();
        return jdbi.withHandle(h -> h.createUpdate(PRUNE).bind("cutoff", cutoff).execute());
    }

    /** Oldest first, since the given time, at most {@code limit}. */
    public List<MetricsSample> since(String workerId, long since, int limit) {
        return query("WHERE worker_id = :w AND created_at >= :since ORDER BY created_at, id LIMIT :limit",
                workerId, since, limit);
    }

    /** The newest sample, when there is one. */
    public List<MetricsSample> latest(String workerId) {
        return query("WHERE worker_id = :w AND created_at >= :since ORDER BY created_at DESC, id DESC LIMIT :limit",
                workerId, 0, 1);
    }

    private List<MetricsSample> query(String where, String workerId, long since, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM worker_metrics " + where)
                .bind("w", workerId).bind("since", since).bind("limit", limit)
                .map((rs, ctx) -> sample(rs, ""))
                .list());
    }

    /** The sample in the current row, its columns named with {@code prefix} (for queries that join it). */
    static MetricsSample sample(ResultSet rs, String prefix) throws SQLException {
        return new MetricsSample(rs.getString(prefix + "worker_id"), rs.getString(prefix + "status"),
                (Double) rs.getObject(prefix + "cpu_usage"), (Double) rs.getObject(prefix + "memory_usage"),
                Columns.longOrNull(rs, prefix + "uptime"), Columns.longOrNull(rs, prefix + "message_count"),
                Columns.intOrNull(rs, prefix + "session_total"), Columns.intOrNull(rs, prefix + "session_connected"),
                Columns.intOrNull(rs, prefix + "session_disconnected"),
                Columns.intOrNull(rs, prefix + "session_qr_required"),
                Columns.intOrNull(rs, prefix + "session_reconnecting"), Columns.intOrNull(rs, prefix + "session_error"),
                rs.getString(prefix + "reported_at"), rs.getString(prefix + "extra"), rs.getLong(prefix + "created_at"));
    }
}
