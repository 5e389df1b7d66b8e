package dev.vectis.workers;

import java.util.List;

/**
 * The fleet's one word for what a worker is doing, whatever contract registered it, and the
 * SQL that decides it. What an operator set (workers.status) comes first; then liveness; then
 * what a session-gateway worker reports about itself, which counts only while it is heard from.
 */
public final class WorkerState {

    public static final String ONLINE = "online";
    public static final String OFFLINE = "offline";
    public static final String DRAINING = "draining";
    public static final String DRAINED = "drained";
    public static final String MAINTENANCE = "maintenance";
    public static final String DISABLED = "disabled";
    public static final List<String> ALL = List.of(ONLINE, OFFLINE, DRAINING, DRAINED, MAINTENANCE, DISABLED);

    /** workers.status when no operator has set anything: the worker takes work. */
    static final String ACTIVE = "active";

    private WorkerState() {
    }

    /**
     * SQL, true when the worker (table alias {@code w}) may be given a new job or session.
     * It reads the worker's own row only, so it adds nothing to the statement it joins.
     */
    public static String takesWork(String w) {
        return w + ".status = '" + ACTIVE + "' AND (" + w + ".reported_status IS NULL OR " + w
                + ".reported_status <> 'MAINTENANCE')";
    }

    /**
     * SQL, true when nothing runs on the worker: no running job, no VPS session holding one of
     * its slots, no live chat session. {@code endedChatStates} is an SQL list of the chat
     * states that no longer occupy a worker.
     */
    static String idle(String w, String endedChatStates) {
        return w + ".active_sessions = 0 AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.worker_id = " + w
                + ".id AND j.status = 'running') AND NOT EXISTS (SELECT 1 FROM chat_sessions s WHERE s.worker_id = "
                + w + ".id AND s.status NOT IN " + endedChatStates + ")";
    }

    /**
     * SQL for the worker's state word. A draining worker with nothing left running reads as
     * drained at once; the liveness sweep then stores it and writes the event.
     */
    static String of(String w, String endedChatStates) {
        return "CASE WHEN " + w + ".status = '" + DRAINING + "' AND " + idle(w, endedChatStates) + " THEN '" + DRAINED
                + "' WHEN " + w + ".status <> '" + ACTIVE + "' THEN " + w + ".status WHEN " + w + ".online = FALSE THEN '"
                + OFFLINE + "' WHEN " + w + ".reported_status = 'MAINTENANCE' THEN '" + MAINTENANCE + "' ELSE '"
                + ONLINE + "' END";
    }

    /** The event a move to this operator status writes: worker.draining, worker.resumed… */
    static String eventType(String status) {
        return "worker." + (ACTIVE.equals(status) ? "resumed" : status);
    }
}
