package dev.vectis.workers;

import dev.vectis.events.EventLog;
import dev.vectis.events.NewEvent;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * A worker that says it is leaving (Vectis's agent on SIGTERM), as opposed to one that goes
 * silent: offline at once, a {@code worker.left} event instead of {@code worker.offline}, and
 * no job for it until it is heard from again. The jobs it is still finishing stay its own;
 * the others go back to the queue at once.
 */
public final class Departures {

    /** Told, in the transaction that records the departure, which jobs the worker is still finishing. */
    @FunctionalInterface
    public interface Listener {
        /** The ids of the worker's jobs released (returned to the queue or failed). */
        List<String> workerLeft(Handle h, String workerId, Set<String> stillRunning, long now);
    }

    /** {@code first}: this call began the departure (a repeat only releases what is no longer running). */
    public record Departure(boolean first, List<String> handedBack) {
    }

    private static final Set<String> JOB_RUNNERS = Set.of("executor", "fleet");

    private final Jdbi jdbi;
    private final Clock clock;
    private final EventLog events;
    private final Listener jobs;

    public Departures(Jdbi jdbi, Clock clock, EventLog events, Listener jobs) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.events = events;
        this.jobs = jobs;
    }

    /** Records the departure of a worker that runs command-executor jobs; unknown or another contract's: not found. */
    public Departure leave(String workerId, Set<String> stillRunning) {
        long now = clock.millis();
        Departure departure = jdbi.inTransaction(h -> {
            if (!WorkerStore.kindOf(h, workerId).map(JOB_RUNNERS::contains).orElse(false)) {
                throw WorkerRegistry.notFound();
            }
            // The row lock taken here orders the departure with a claim for this worker (JobQueue
            // locks the row too): a claim before it is handed back below, one after it is refused.
            boolean first = h.createUpdate("UPDATE workers SET online = FALSE, left_at = :now, "
                            + "last_seen_at = GREATEST(last_seen_at, :now), updated_at = :now "
                            + "WHERE id = :id AND left_at IS NULL")
                    .bind("id", workerId).bind("now", now).execute() == 1;
            List<String> handedBack = jobs.workerLeft(h, workerId, stillRunning, now);
            if (first) {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("workerId", workerId);
                data.put("at", now);
                data.put("stillRunning", stillRunning.stream().sorted().toList());
                data.put("handedBack", handedBack);
                events.append(h, NewEvent.of("worker.left", "executor", workerId, data));
            }
            return new Departure(first, handedBack);
        });
        if (departure.first()) {
            events.notifyAppended();
        }
        return departure;
    }
}
