package dev.vectis.workers;

import dev.vectis.error.NotFoundException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Commands an operator queues for a worker. Each is delivered in every heartbeat answer
 * until the worker acknowledges it (event command_ack), and never after.
 */
public final class WorkerCommands {

    /** How soon a command queued through another node is in this node's heartbeat answers (plus one read). */
    public static final Duration FROM_OTHER_NODES_WITHIN = PendingCommands.REFRESH;

    public record Command(String id, String workerId, String type, String payload, long createdAt, Long acknowledgedAt) {
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final PendingCommands waiting;

    public WorkerCommands(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.waiting = new PendingCommands(jdbi, clock);
    }

    /** {@code payload} is JSON text (or null). */
    public Command queue(String workerId, String type, String payload) {
        String id = "cmd_" + UUID.randomUUID().toString().replace("-", "");
        long now = clock.millis();
        Command queued = jdbi.inTransaction(h -> {
            int exists = h.createQuery("SELECT COUNT(*) FROM workers WHERE id = :id").bind("id", workerId)
                    .mapTo(Integer.class).one();
            if (exists == 0) {
                throw new NotFoundException("WORKER_NOT_FOUND", "Worker not found");
            }
            h.createUpdate("INSERT INTO worker_commands (id, worker_id, type, payload, created_at) "
                            + "VALUES (:id, :w, :type, :payload, :now)")
                    .bind("id", id).bind("w", workerId).bind("type", type).bind("payload", payload).bind("now", now)
                    .execute();
            return new Command(id, workerId, type, payload, now, null);
        });
        waiting.queued(workerId);
        return queued;
    }

    /**
     * What a heartbeat answer carries: the worker's unacknowledged commands. Read from the
     * database only when the worker may have some (see {@link PendingCommands} for how soon a
     * command queued through another node shows), so most heartbeats cost no query.
     */
    public List<Command> toDeliver(String workerId) {
        return waiting.mayHave(workerId) ? pending(workerId) : List.of();
    }

    public List<Command> pending(String workerId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, worker_id, type, payload, created_at, acknowledged_at "
                        + "FROM worker_commands WHERE worker_id = :w AND acknowledged_at IS NULL ORDER BY created_at, id")
                .bind("w", workerId)
                .map((rs, ctx) -> new Command(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getLong(5), null))
                .list());
    }

    /** True when this acknowledgement was the first for a command of this worker. */
    public boolean acknowledge(Handle h, String workerId, String commandId) {
        return h.createUpdate("UPDATE worker_commands SET acknowledged_at = :now WHERE id = :id AND worker_id = :w "
                        + "AND acknowledged_at IS NULL")
                .bind("id", commandId).bind("w", workerId).bind("now", clock.millis()).execute() == 1;
    }
}
