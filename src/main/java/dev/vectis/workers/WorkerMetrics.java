package dev.vectis.workers;

import dev.vectis.db.Columns;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Metrics samples from heartbeats: queued in memory, inserted in batches, pruned after the
 * retention period. Like heartbeats, a crash loses at most one flush interval.
 */
public final class WorkerMetrics {

    private static final int MAX_QUEUED = 200_000;
    private static final int PART = 500;
    private static final String INSERT = "INSERT INTO worker_metrics (worker_id, status, cpu_usage, memory_usage, "
            + "uptime, message_count, session_total, session_connected, session_disconnected, session_qr_required, "
            + "session_reconnecting, session_error, reported_at, extra, created_at) "
            + "SELECT :workerId, :status, :cpuUsage, :memoryUsage, :uptime, :messageCount, :sessionTotal, "
            + ":sessionConnected, :sessionDisconnected, :sessionQrRequired, :sessionReconnecting, "
            + ":sessionError, :reportedAt, :extra, :createdAt WHERE EXISTS (SELECT 1 FROM workers WHERE id = :workerId)";

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

    public void flush() {
        List<MetricsSample> batch = new ArrayList<>();
        for (MetricsSample s; batch.size() < 10_000 && (s = queue.poll()) != null; ) {
            queued.decrementAndGet();
            batch.add(s);
        }
        if (batch.isEmpty()) {
            return;
        }
        // Worker by worker, each one's samples in arrival order: the inserts' foreign-key checks
        // lock workers rows in id order, as every batch writer of workers does.
        batch.sort(Comparator.comparing(MetricsSample::workerId));
        try {
            jdbi.useTransaction(h -> {
                // In parts: the driver holds every bound row of a part until it is sent, and a
                // whole flush held at once lives long enough to be copied by the garbage collector.
                for (int from = 0; from < batch.size(); from += PART) {
                    PreparedBatch insert = h.prepareBatch(INSERT);
                    batch.subList(from, Math.min(batch.size(), from + PART)).forEach(s -> insert.bindMethods(s).add());
                    insert.execute();
                }
            });
        } catch (RuntimeException e) {
            batch.forEach(s -> {
                queue.add(s);
                queued.incrementAndGet();
            });
            throw e;
        }
    }

    /** Deletes samples older than the retention period; returns how many. */
    public int prune() {
        long cutoff = clock.millis() - retention.toMillis();
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM worker_metrics WHERE created_at < :cutoff")
                .bind("cutoff", cutoff).execute());
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
