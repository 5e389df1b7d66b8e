package dev.vectis.sessions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.db.Cte;
import dev.vectis.db.Horizon;
import dev.vectis.db.KeyedAfter;
import dev.vectis.events.EventLog;
import dev.vectis.events.FeedItem;
import dev.vectis.events.NewEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * A VPS session's history for its owner's event stream: status.update and checklist.update
 * (payment, worker assigned, VM requested, VM ready), written with each change.
 */
public final class SessionEvents {

    private final Jdbi jdbi;
    private final EventLog log;
    private final Horizon horizon;
    private final ObjectMapper mapper = new ObjectMapper();

    public SessionEvents(Jdbi jdbi, EventLog log) {
        this.jdbi = jdbi;
        this.log = log;
        this.horizon = Horizon.of(jdbi, "vps_session_events");
    }

    /** Records the session's new state: its status and the checklist that follows from it. */
    void changed(Handle h, VpsSession s, long now) {
        record(h, null, s, now, null);
    }

    /** As above, with {@code also} (may be null) in the same statement where it can be. */
    void changed(Handle h, VpsSession s, long now, Cte also) {
        record(h, null, s, now, also);
    }

    /**
     * Progress that changed no status ({@code progressed}: the worker's log began, a checklist
     * update only), then a new state ({@code changed}); either may be null. The session's rows
     * are one statement, their ids in this order; on PostgreSQL the operator log's event of the
     * new state goes into the same statement, so all of it is one round trip.
     */
    void record(Handle h, VpsSession progressed, VpsSession changed, long now) {
        record(h, progressed, changed, now, null);
    }

    /** As above, with {@code also} (may be null) written in the same statement where it can be. */
    void record(Handle h, VpsSession progressed, VpsSession changed, long now, Cte also) {
        List<Cte> first = new ArrayList<>();
        if (changed != null) {
            first.add(log.appending(logEvent(changed)));
        }
        if (also != null) {
            first.add(also);
        }
        List<Row> rows = rows(progressed, changed, now);
        if (rows.isEmpty()) {
            first.forEach(c -> c.run(h));
        } else {
            Cte.together(h, first, inserting(rows));
        }
    }

    /** {@link #changed}'s writes, for a caller that writes them with others in one statement. */
    List<Cte> writes(VpsSession changed, long now) {
        return List.of(inserting(rows(null, changed, now)), log.appending(logEvent(changed)));
    }

    private static Cte inserting(List<Row> rows) {
        return new Cte("session_events", "INSERT INTO vps_session_events (session_id, kind, data, created_at) "
                + "VALUES <rows>", st -> st.bindMethodsList("rows", rows, Row.COLUMNS));
    }

    private List<Row> rows(VpsSession progressed, VpsSession changed, long now) {
        List<Row> rows = new ArrayList<>();
        if (progressed != null) {
            rows.add(new Row(progressed.id(), "checklist.update", json(checklist(progressed)), now));
        }
        if (changed != null) {
            rows.add(new Row(changed.id(), "status.update", json(status(changed)), now));
            rows.add(new Row(changed.id(), "checklist.update", json(checklist(changed)), now));
        }
        return rows;
    }

    /** One row of vps_session_events, its accessors in the columns' order. */
    public record Row(String sessionId, String kind, String data, long at) {
        static final List<String> COLUMNS = List.of("sessionId", "kind", "data", "at");
    }

    /** The operator log's record of a session's new state. */
    private static NewEvent logEvent(VpsSession changed) {
        Map<String, Object> data = new LinkedHashMap<>(status(changed));
        data.put("userId", changed.userId());
        return NewEvent.of("vps." + changed.status(), "marketplace", changed.workerId(), data);
    }

    /** Operators' record of a stop that failed and when it is tried again; users see the session stay stopping. */
    void stopRetry(Handle h, VpsSession s, int attempts, String error, long nextAt) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("session_id", s.id());
        data.put("attempts", attempts);
        data.put("last_error", error);
        data.put("next_try_at", java.time.Instant.ofEpochMilli(nextAt).toString());
        log.append(h, NewEvent.of("vps.stop_retry", "marketplace", s.workerId(), data));
    }

    /** For each session, its final events after the given id; together oldest first: what its streams send. */
    public List<FeedItem> after(Map<String, Long> positions, int limit) {
        return jdbi.withHandle(h -> KeyedAfter.read(h, "SELECT id, session_id, kind, data FROM vps_session_events",
                "session_id", positions, limit, horizon.bound(h), (rs, ctx) -> new FeedItem(rs.getString("session_id"),
                        rs.getLong("id"), rs.getString("kind"), rs.getString("data"))));
    }

    /** The id of the session's newest final event, 0 when it has none. */
    public long latest(String sessionId) {
        return jdbi.withHandle(h -> {
            Horizon.Bound bound = horizon.bound(h);
            return bound.bind(h.createQuery("SELECT COALESCE(MAX(id), 0) FROM vps_session_events "
                            + "WHERE session_id = :s AND " + bound.condition()))
                    .bind("s", sessionId).mapTo(Long.class).one();
        });
    }

    /** The id of the session's newest event, final or not; 0 when it has none. */
    public long newest(String sessionId) {
        return jdbi.withHandle(h -> h.createQuery(
                "SELECT COALESCE(MAX(id), 0) FROM vps_session_events WHERE session_id = :s")
                .bind("s", sessionId).mapTo(Long.class).one());
    }

    /** How far the sessions' events are final on this node. */
    public Horizon horizon() {
        return horizon;
    }

    void fire() {
        log.notifyAppended();
    }

    public static Map<String, Object> status(VpsSession s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("session_id", s.id());
        m.put("status", s.status());
        if (s.error() != null) {
            m.put("error", s.error());
        }
        if (s.watch().statusReason() != null) {
            m.put("status_reason", s.watch().statusReason());
        }
        return m;
    }

    /**
     * The purchase's steps as the worker really made them: "VM starting" once the worker's log
     * shows any line, "VM ready" once a readiness rule matched, with the rule as its detail.
     */
    public static Map<String, Object> checklist(VpsSession s) {
        boolean requested = s.route() != null;
        boolean ended = s.status().equals("stopping") || s.status().equals("deleted");
        boolean ready = s.status().equals("ready") || ended && requested && s.error() == null;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("session_id", s.id());
        m.put("items", List.of(
                item("payment", "Payment", true, null),
                item("worker_assigned", "Worker assigned", s.workerId() != null || requested, null),
                item("vm_requested", "VM requested", requested, null),
                item("vm_starting", "VM starting", requested && (s.watch().logLines() > 0 || ready), null),
                item("vm_ready", "VM ready", ready, s.status().equals("ready") ? s.watch().statusReason() : null)));
        return m;
    }

    private static Map<String, Object> item(String key, String label, boolean done, String detail) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", key);
        m.put("label", label);
        m.put("done", done);
        if (detail != null) {
            m.put("detail", detail);
        }
        return m;
    }

    public String json(Map<String, Object> data) {
        try {
            return mapper.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
