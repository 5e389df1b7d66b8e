package dev.vectis.sessions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.auth.Tokens;
import dev.vectis.db.UniqueViolation;
import dev.vectis.error.InvalidInputException;
import dev.vectis.error.NotFoundException;
import dev.vectis.events.EventLog;
import dev.vectis.events.NewEvent;
import dev.vectis.workers.OfflineListener;
import dev.vectis.workers.WorkerCommands;
import dev.vectis.workers.WorkerRegistry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Stores every event a chat-session worker sends, once, and applies the ones Vectis knows
 * to the state of sessions, messages and workers. Unknown names are stored and flagged, so a
 * newer worker is never refused.
 */
public final class GatewayEvents {

    static final Set<String> MESSAGE_EVENTS = Set.of("message_sent", "message_received", "message_failed",
            "message_status");
    static final Set<String> WORKER_EVENTS = Set.of("worker_started", "worker_stopping", "worker_error", "command_ack");
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_.:-]{0,99}");
    /** Longest values kept for the fields Vectis stores from event data (their columns' sizes). */
    private static final Map<String, Integer> LIMITS = Map.of("status", 50, "phoneNumber", 50, "to", 200,
            "sentAt", 64, "deliveredAt", 64, "readAt", 64, "failedAt", 64, "commandId", 40,
            "qrCode", 1_000_000, "qrString", 100_000);

    /** An event's data: room for the largest QR code and string above, and a hundred fields at most. */
    static final int MAX_DATA_FIELDS = 100;
    static final int MAX_DATA_CHARS = 1_200_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Jdbi jdbi;
    private final Clock clock;
    private final EventLog log;
    private final WorkerRegistry workers;
    private final WorkerCommands commands;

    public GatewayEvents(Jdbi jdbi, Clock clock, EventLog log, WorkerRegistry workers, WorkerCommands commands) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.log = log;
        this.workers = workers;
        this.commands = commands;
    }

    /** Returns false when this exact event was already received (a retry): acknowledged, stored once. */
    public boolean record(GatewayEvent e) {
        validate(e);
        if (!workers.isGatewayWorker(e.workerId())) {
            throw new NotFoundException("WORKER_NOT_REGISTERED", "Worker " + e.workerId() + " is not registered");
        }
        String messageId = text(e.data(), "messageId");
        String dedup = dedupKey(e, messageId);
        try {
            boolean stored = jdbi.inTransaction(h -> {
                if (log.seen(h, dedup)) {
                    return false;
                }
                boolean known = SessionStates.isSessionEvent(e.event()) || e.event().startsWith("session_")
                        || isMessageEvent(e.event()) || WORKER_EVENTS.contains(e.event());
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("event", e.event());
                data.put("workerId", e.workerId());
                data.put("sessionId", e.sessionId());
                data.put("data", e.data());
                data.put("timestamp", e.timestamp());
                log.append(h, new NewEvent(e.event(), "gateway:" + e.source(), e.workerId(), e.sessionId(), messageId,
                        known, data, dedup));
                apply(h, e, messageId);
                return true;
            });
            log.notifyAppended();
            return stored;
        } catch (RuntimeException ex) {
            if (UniqueViolation.in(ex)) {
                return false; // the same event, delivered twice at once: the other delivery stored it
            }
            throw ex;
        }
    }

    /**
     * Removes a worker: its live sessions become disconnected and its running jobs are handed
     * to {@code jobs} (retried or failed), all in one transaction. False for an unknown worker.
     */
    public boolean unregister(String workerId, OfflineListener jobs) {
        boolean removed = workers.unregister(workerId, (h, id, now) -> {
            ChatSessions.disconnectAll(h, id, now);
            jobs.workerOffline(h, id, now);
            log.append(h, NewEvent.of("worker.unregistered", "gateway", id, Map.of("workerId", id)));
        });
        if (removed) {
            log.notifyAppended();
        }
        return removed;
    }

    private void apply(Handle h, GatewayEvent e, String messageId) {
        long now = clock.millis();
        Map<String, Object> d = e.data();
        if (isMessageEvent(e.event())) {
            String status = text(d, "status") != null ? text(d, "status") : messageStatusOf(e.event());
            ChatSessions.upsertMessage(h, messageId, e.sessionId(), status, text(d, "to"), text(d, "sentAt"),
                    text(d, "deliveredAt"), text(d, "readAt"), text(d, "failedAt"), now);
        } else if (SessionStates.isSessionEvent(e.event()) || e.event().startsWith("session_")
                || ("session-status".equals(e.source()) && SessionStates.ofStatus(text(d, "status")) != null)) {
            ChatSessions.upsertSession(h, e.sessionId(), e.workerId(), sessionStatus(e),
                    SessionStates.phoneNumber(text(d, "phoneNumber")), text(d, "qrCode"), text(d, "qrString"), now);
        } else if (e.event().equals("worker_stopping")) {
            workers.reportStatus(h, e.workerId(), "OFFLINE");
        } else if (e.event().equals("worker_started")) {
            workers.reportStatus(h, e.workerId(), "ONLINE");
        } else if (e.event().equals("command_ack")) {
            commands.acknowledge(h, e.workerId(), commandId(e));
        }
    }

    private static void validate(GatewayEvent e) {
        if (e.event() == null || e.event().isBlank()) {
            throw new InvalidInputException("event", "event is required");
        }
        if (!NAME.matcher(e.event()).matches()) {
            throw new InvalidInputException("event", "event must be a lowercase name like session_connected");
        }
        if (e.workerId() == null || e.workerId().isBlank()) {
            throw new InvalidInputException("workerId", "workerId is required");
        }
        boolean workerLevel = WORKER_EVENTS.contains(e.event()) || e.event().startsWith("worker_");
        if (!workerLevel && (e.sessionId() == null || e.sessionId().isBlank())) {
            throw new InvalidInputException("sessionId", "sessionId is required");
        }
        InvalidInputException.maxLength(e.sessionId(), "sessionId", 200);
        checkSize(e.data());
        boolean message = isMessageEvent(e.event());
        String messageId = text(e.data(), "messageId");
        if (message && (messageId == null || messageId.isBlank())) {
            throw new InvalidInputException("data.messageId", "data.messageId is required for message events");
        }
        InvalidInputException.maxLength(messageId, "data.messageId", 200);
        LIMITS.forEach((key, max) -> InvalidInputException.maxLength(text(e.data(), key), "data." + key, max));
        if (e.event().equals("command_ack") && commandId(e) == null) {
            throw new InvalidInputException("data.commandId", "data.commandId is required for command_ack");
        }
    }

    private static void checkSize(Map<String, Object> data) {
        if (data == null) {
            return;
        }
        if (data.size() > MAX_DATA_FIELDS) {
            throw new InvalidInputException("data", "data may have at most " + MAX_DATA_FIELDS + " fields");
        }
        try {
            if (JSON.writeValueAsString(data).length() > MAX_DATA_CHARS) {
                throw new InvalidInputException("data", "data must be at most " + MAX_DATA_CHARS + " characters of JSON");
            }
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("data read from JSON always writes back", ex);
        }
    }

    private static String commandId(GatewayEvent e) {
        return text(e.data(), "commandId");
    }

    /** The spec's retry identity; without a timestamp the payload itself tells deliveries apart. */
    private static String dedupKey(GatewayEvent e, String messageId) {
        String key = String.join("\u0000", e.workerId(), e.event(), String.valueOf(e.sessionId()),
                String.valueOf(messageId), String.valueOf(e.timestamp()),
                e.timestamp() == null ? String.valueOf(e.data()) : "");
        return Tokens.sha256Hex(key);
    }

    private static boolean isMessageEvent(String event) {
        return MESSAGE_EVENTS.contains(event) || event.startsWith("message_");
    }

    /**
     * {@code data.status} when it names a state, else the state the event's name announces, else
     * the worker's own word as sent (a state Vectis does not know yet is still shown).
     */
    private static String sessionStatus(GatewayEvent e) {
        String reported = text(e.data(), "status");
        String state = SessionStates.ofStatus(reported);
        if (state == null) {
            state = SessionStates.ofEvent(e.event());
        }
        return state != null ? state : reported;
    }

    static String messageStatusOf(String event) {
        return switch (event) {
            case "message_sent" -> "sent";
            case "message_received" -> "received";
            case "message_failed" -> "failed";
            default -> null;
        };
    }

    static String text(Map<String, Object> data, String key) {
        Object v = data == null ? null : data.get(key);
        return v == null ? null : v.toString();
    }
}
