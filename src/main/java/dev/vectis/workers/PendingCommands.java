package dev.vectis.workers;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which workers have unacknowledged commands, as far as this node knows, so that a heartbeat
 * reads a worker's commands only when it has some. A command queued on this node counts at
 * once. Commands queued on any node are learnt from the database, re-read at most once per
 * {@link #REFRESH} (one query per node, whatever the size of the fleet): a command queued
 * through another node is in this node's heartbeat answers at the latest with the first
 * heartbeat after the next re-read, so within REFRESH and the time of one read.
 */
final class PendingCommands {

    static final Duration REFRESH = Duration.ofSeconds(1);
    /** Beyond this many workers with commands waiting, every heartbeat reads its own (memory stays bounded). */
    static final int MAX_KNOWN = 100_000;

    private static final long NEVER = Long.MIN_VALUE;
    private static final Logger LOG = LoggerFactory.getLogger(PendingCommands.class);

    private final Jdbi jdbi;
    private final Clock clock;
    /** From the last read of the database; null when unknown (not read, failed, or too many): ask each time. */
    private volatile Set<String> stored;
    /** When the last read began; NEVER before the first. */
    private volatile long readAt = NEVER;
    private final AtomicBoolean reading = new AtomicBoolean();
    /** Commands queued on this node, by when; kept until a read that began after them has seen them. */
    private final Map<String, Long> queuedHere = new ConcurrentHashMap<>();

    PendingCommands(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** A command for this worker was just committed. */
    void queued(String workerId) {
        queuedHere.put(workerId, clock.millis());
    }

    /** False only when the worker certainly had no command waiting at the last read (and none was queued here since). */
    boolean mayHave(String workerId) {
        long now = clock.millis();
        long last = readAt;
        // A clock set back must not put the next read off until it catches up.
        if (last == NEVER || now - last >= REFRESH.toMillis() || now < last) {
            read(now);
        }
        Set<String> known = stored;
        return known == null || known.contains(workerId) || queuedHere.containsKey(workerId);
    }

    /** One caller reads; the others go on with what was read before. */
    private void read(long startedAt) {
        if (!reading.compareAndSet(false, true)) {
            return;
        }
        try {
            List<String> ids = jdbi.withHandle(h -> h.createQuery("SELECT DISTINCT worker_id FROM worker_commands "
                            + "WHERE acknowledged_at IS NULL LIMIT :limit")
                    .bind("limit", MAX_KNOWN + 1).mapTo(String.class).list());
            stored = ids.size() > MAX_KNOWN ? null : Set.copyOf(ids);
            // Committed before the read began, so the read saw them.
            queuedHere.values().removeIf(at -> at < startedAt);
        } catch (RuntimeException e) {
            stored = null;
            LOG.warn("Could not read which workers have commands waiting; heartbeats read their own: {}",
                    e.getMessage());
        } finally {
            readAt = startedAt;
            reading.set(false);
        }
    }
}
