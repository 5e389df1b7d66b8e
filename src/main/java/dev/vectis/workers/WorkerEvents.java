package dev.vectis.workers;

import dev.vectis.events.EventLog;
import dev.vectis.events.NewEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * A worker's life on the operator stream: it enrolled or registered (again), and an operator
 * changed its state. Written in the transaction that made the change, so the event and the
 * change are stored together or not at all.
 */
public final class WorkerEvents {

    private final EventLog log;

    public WorkerEvents(EventLog log) {
        this.log = log;
    }

    /**
     * worker.enrolled / worker.reenrolled (fleet registration), else worker.registered /
     * worker.reregistered; {@code details} are what the worker said about itself.
     */
    void registered(Handle h, String workerId, String contract, boolean again, Map<String, Object> details) {
        String type = WorkerContracts.FLEET.equals(contract) ? (again ? "worker.reenrolled" : "worker.enrolled")
                : again ? "worker.reregistered" : "worker.registered";
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("workerId", workerId);
        data.put("contract", contract);
        data.putAll(details);
        append(h, NewEvent.of(type, contract, workerId, data));
    }

    /** What {@link WorkerRegistry#onRegistered} tells: a worker registered through the executor or the gateway. */
    public void registered(Handle h, Worker w, String contract, boolean again) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (w.hostname() != null) {
            details.put("hostname", w.hostname());
        }
        if (w.endpoint() != null) {
            details.put("endpoint", w.endpoint());
        }
        details.put("version", w.version());
        registered(h, w.id(), contract, again, details);
    }

    /** An operator moved the worker between active, draining, drained, maintenance and disabled. */
    void stateChanged(Handle h, String workerId, String from, String to, String reason, long now) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("workerId", workerId);
        data.put("from", from);
        data.put("to", to);
        if (reason != null) {
            data.put("reason", reason);
        }
        data.put("at", now);
        append(h, NewEvent.of(WorkerState.eventType(to), "fleet", workerId, data));
    }

    /** The liveness sweep found the worker silent for too long. */
    public void offline(Handle h, String workerId, long now) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("workerId", workerId);
        data.put("at", now);
        append(h, NewEvent.of("worker.offline", "liveness", workerId, data));
    }

    private void append(Handle h, NewEvent e) {
        log.append(h, e);
        h.afterCommit(log::notifyAppended);
    }
}
