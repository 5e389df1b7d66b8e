package dev.vectis.workers;

import dev.vectis.db.Page;
import dev.vectis.error.InvalidInputException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operators' view of every worker of every contract, and their say over it: drain (no new
 * work; drained once what runs has finished), maintenance, disable and resume. Job claims and
 * session placement read the same column ({@link WorkerState#takesWork}), so a worker set
 * anything but active is given nothing new, on every node, from the moment the change commits.
 */
public final class Fleet {

    private static final Logger LOG = LoggerFactory.getLogger(Fleet.class);

    private final Jdbi jdbi;
    private final Clock clock;
    private final WorkerEvents events;
    private final Runnable resumed;
    private final String endedChatStates;
    private final FleetStore store;

    /**
     * @param endedChatStates the chat-session states that no longer occupy a worker
     * @param resumed         run after a worker is resumed here, so polls waiting on this node look again
     */
    public Fleet(Jdbi jdbi, Clock clock, WorkerEvents events, Set<String> endedChatStates, Runnable resumed) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.events = events;
        this.resumed = resumed;
        this.endedChatStates = endedChatStates.stream().sorted().map(s -> "'" + s.replace("'", "''") + "'")
                .collect(Collectors.joining(", ", "(", ")"));
        this.store = new FleetStore(this.endedChatStates);
    }

    public Page<FleetWorker> list(FleetQuery q) {
        return jdbi.withHandle(h -> {
            return Page.of(store.page(h, q, Page.probe(q.limit())), q.limit(), store.count(h, q),
                    w -> FleetStore.Position.encode(w, q.sort(), q.descending()));
        });
    }

    public Optional<FleetWorker> find(String workerId) {
        return jdbi.withHandle(h -> store.find(h, workerId));
    }

    public FleetWorker get(String workerId) {
        return find(workerId).orElseThrow(WorkerRegistry::notFound);
    }

    /**
     * No new jobs or sessions; what runs finishes, and then the worker is drained. Draining a
     * drained worker changes nothing.
     */
    public FleetWorker drain(String workerId, String reason) {
        return set(workerId, WorkerState.DRAINING, reason);
    }

    /** No new jobs or sessions until resumed; what runs goes on. */
    public FleetWorker maintenance(String workerId, String reason) {
        return set(workerId, WorkerState.MAINTENANCE, reason);
    }

    public FleetWorker disable(String workerId, String reason) {
        return set(workerId, WorkerState.DISABLED, reason);
    }

    /** Takes work again, whatever the operator had set. */
    public FleetWorker resume(String workerId, String reason) {
        return set(workerId, WorkerState.ACTIVE, reason);
    }

    private FleetWorker set(String workerId, String to, String reason) {
        InvalidInputException.maxLength(reason, "reason", 500);
        long now = clock.millis();
        boolean changed = jdbi.inTransaction(h -> {
            // Locked like a claim locks it, so a job is either handed out before this commits or not at all.
            String from = h.createQuery("SELECT status FROM workers WHERE id = :id FOR UPDATE").bind("id", workerId)
                    .mapTo(String.class).findOne().orElseThrow(WorkerRegistry::notFound);
            if (from.equals(to) || WorkerState.DRAINING.equals(to) && WorkerState.DRAINED.equals(from)) {
                return false;
            }
            write(h, workerId, from, to, reason, now);
            if (WorkerState.DRAINING.equals(to)) {
                settle(h, workerId, now);
            }
            return true;
        });
        if (changed && WorkerState.ACTIVE.equals(to)) {
            resumed.run();
        }
        return get(workerId);
    }

    private void write(Handle h, String workerId, String from, String to, String reason, long now) {
        h.createUpdate("UPDATE workers SET status = :to, updated_at = :now WHERE id = :id").bind("id", workerId)
                .bind("to", to).bind("now", now).execute();
        events.stateChanged(h, workerId, from, to, reason, now);
    }

    /**
     * Stores drained for every draining worker with nothing left running, each in a transaction
     * of its own with its event; what the liveness sweep runs. Returns how many.
     */
    public int settle() {
        List<String> idle = jdbi.withHandle(h -> h.createQuery("SELECT w.id FROM workers w WHERE w.status = '"
                        + WorkerState.DRAINING + "' AND " + WorkerState.idle("w", endedChatStates))
                .mapTo(String.class).list());
        int drained = 0;
        for (String id : idle.stream().sorted().toList()) {
            long now = clock.millis();
            if (jdbi.inTransaction(h -> settle(h, id, now))) {
                drained++;
                LOG.info("Worker {} is drained", id);
            }
        }
        return drained;
    }

    /** Conditional, so two nodes' sweeps (or a sweep and a drain) store it and write its event once. */
    private boolean settle(Handle h, String workerId, long now) {
        boolean drained = h.createUpdate("UPDATE workers w SET status = '" + WorkerState.DRAINED + "', updated_at = :now "
                        + "WHERE w.id = :id AND w.status = '" + WorkerState.DRAINING + "' AND "
                        + WorkerState.idle("w", endedChatStates))
                .bind("id", workerId).bind("now", now).execute() == 1;
        if (drained) {
            events.stateChanged(h, workerId, WorkerState.DRAINING, WorkerState.DRAINED, null, now);
        }
        return drained;
    }
}
