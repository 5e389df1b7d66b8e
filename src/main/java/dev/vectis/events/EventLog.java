package dev.vectis.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.db.Cte;
import dev.vectis.db.Horizon;
import dev.vectis.db.Page;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * The installation's event log: every state change a person may want to watch, from every
 * contract, in one ordered table. Writers append inside their own transaction; streams read
 * by id, so any node can serve them and a client resumes with Last-Event-ID.
 */
public final class EventLog {

    private final Jdbi jdbi;
    private final Clock clock;
    private final Horizon horizon;
    private final ObjectMapper mapper = new ObjectMapper();
    private final Signal appended = new Signal();
    private volatile boolean closing;

    public EventLog(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.horizon = Horizon.of(jdbi, "events");
    }

    /**
     * The statement that appends one event, for a caller that writes other rows in the same
     * statement (PostgreSQL's data-modifying WITH) to save round trips; bound by {@link #bind}.
     */
    public static final String INSERT = "INSERT INTO events (type, source, worker_id, session_id, message_id, known, "
            + "data, dedup_key, created_at) VALUES (:type, :source, :workerId, :sessionId, :messageId, :known, :data, "
            + ":dedupKey, :now)";

    /**
     * As {@link #INSERT}, for an event made of another clause's rows: {@code values} is a
     * SELECT of the columns in {@link #INSERT}'s order.
     */
    public static String insertFrom(String values) {
        return INSERT.substring(0, INSERT.indexOf(" VALUES ")) + " " + values;
    }

    /** Appends on the caller's transaction; call {@link #notifyAppended()} after it commits. */
    public long append(Handle h, NewEvent e) {
        return bind(h.createUpdate(INSERT), e).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }

    /** Binds {@link #INSERT}'s parameters for {@code e} on a statement that contains it. */
    public <S extends SqlStatement<S>> S bind(S statement, NewEvent e) {
        appending(e).bind().accept(statement);
        return statement;
    }

    /** The append of {@code e} as a write that can ride in another statement, named ev. */
    public Cte appending(NewEvent e) {
        String data = json(e.data());
        long now = clock.millis();
        return new Cte("ev", INSERT, statement -> statement.bind("type", e.type()).bind("source", e.source())
                .bind("workerId", e.workerId()).bind("sessionId", e.sessionId()).bind("messageId", e.messageId())
                .bind("known", e.known()).bind("data", data).bind("dedupKey", e.dedupKey()).bind("now", now));
    }

    public long append(NewEvent e) {
        long id = jdbi.inTransaction(h -> append(h, e));
        notifyAppended();
        return id;
    }

    public boolean seen(Handle h, String dedupKey) {
        return h.createQuery("SELECT COUNT(*) FROM events WHERE dedup_key = :k").bind("k", dedupKey)
                .mapTo(Integer.class).one() > 0;
    }

    /** Ends event streams promptly, so a shutdown does not wait for them. */
    public void close() {
        closing = true;
        appended.fire();
    }

    public boolean closing() {
        return closing;
    }

    public void notifyAppended() {
        appended.fire();
    }

    public Signal appended() {
        return appended;
    }

    /** Oldest first, after the given id, as far as the log is final ({@link Horizon}): what a stream sends next. */
    public List<Event> after(long afterId, int limit) {
        return jdbi.withHandle(h -> {
            Horizon.Bound bound = horizon.bound(h);
            return bound.bind(h.createQuery(SELECT + "WHERE id > :after AND " + bound.condition()
                            + " ORDER BY id LIMIT :limit"))
                    .bind("after", afterId).bind("limit", limit).map(EventLog::row).list();
        });
    }

    /** The newest final event's id, 0 when there is none: where a stream that resumes nothing starts. */
    public long latest() {
        return jdbi.withHandle(h -> {
            Horizon.Bound bound = horizon.bound(h);
            return bound.bind(h.createQuery("SELECT COALESCE(MAX(id), 0) FROM events WHERE " + bound.condition()))
                    .mapTo(Long.class).one();
        });
    }

    /** The newest event's id, final or not; 0 when there is none. */
    public long newest() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COALESCE(MAX(id), 0) FROM events").mapTo(Long.class).one());
    }

    /** How far the log is final on this node. */
    public Horizon horizon() {
        return horizon;
    }

    /** What the operator's history shows: events of a type (or types starting with a prefix ending in "."), a worker, a session. */
    public record Filter(String type, String workerId, String sessionId) {
    }

    /** A page of history, newest first, and the newest final id: a stream from there misses nothing later. */
    public record History(List<Event> events, long latest) {
    }

    /**
     * Newest first, as far as the log is final, before the cursor (an id) when given. The page
     * and {@code latest} are read under one bound, so a stream resumed from {@code latest}
     * sends exactly what the page could not show.
     */
    public History history(Filter f, Long beforeId, int limit) {
        return jdbi.withHandle(h -> {
            Horizon.Bound bound = horizon.bound(h);
            long latest = bound.bind(h.createQuery("SELECT COALESCE(MAX(id), 0) FROM events WHERE "
                    + bound.condition())).mapTo(Long.class).one();
            StringBuilder where = new StringBuilder("id <= :latest");
            if (beforeId != null) {
                where.append(" AND id < :before");
            }
            boolean prefix = f.type() != null && f.type().endsWith(".");
            if (f.type() != null) {
                where.append(prefix ? " AND LEFT(type, :typeLength) = :type" : " AND type = :type");
            }
            if (f.workerId() != null) {
                where.append(" AND worker_id = :w");
            }
            if (f.sessionId() != null) {
                where.append(" AND session_id = :s");
            }
            var q = h.createQuery(SELECT + "WHERE " + where + " ORDER BY id DESC LIMIT :limit")
                    .bind("latest", latest).bind("limit", limit);
            if (beforeId != null) {
                q.bind("before", beforeId);
            }
            if (f.type() != null) {
                q.bind("type", f.type());
                if (prefix) {
                    q.bind("typeLength", f.type().length());
                }
            }
            if (f.workerId() != null) {
                q.bind("w", f.workerId());
            }
            if (f.sessionId() != null) {
                q.bind("s", f.sessionId());
            }
            return new History(q.map(EventLog::row).list(), latest);
        });
    }

    /** Newest first, one worker's, before the cursor (an id) when given; the next cursor is the last id. */
    public Page.Window<Event> forWorker(String workerId, Long beforeId, int limit) {
        return Page.window(jdbi.withHandle(h -> h.createQuery(SELECT + "WHERE worker_id = :w "
                        + "AND (:before IS NULL OR id < :before) ORDER BY id DESC LIMIT :limit")
                .bind("w", workerId).bind("before", beforeId).bind("limit", Page.probe(limit)).map(EventLog::row).list()),
                limit, e -> Long.toString(e.id()));
    }

    /**
     * Deletes events older than {@code age}, and the stored output and history of jobs that
     * finished before then (the jobs themselves, with their results, stay).
     */
    public int prune(java.time.Duration age) {
        long cutoff = clock.millis() - age.toMillis();
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM events WHERE created_at < :c").bind("c", cutoff).execute()
                + h.createUpdate("DELETE FROM job_events WHERE job_id IN (SELECT id FROM jobs WHERE completed_at < :c)")
                        .bind("c", cutoff).execute());
    }

    private static final String SELECT = "SELECT id, type, source, worker_id, session_id, message_id, known, data, "
            + "created_at FROM events ";

    private static Event row(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
            throws java.sql.SQLException {
        return new Event(rs.getLong("id"), rs.getString("type"), rs.getString("source"), rs.getString("worker_id"),
                rs.getString("session_id"), rs.getString("message_id"), rs.getBoolean("known"), rs.getString("data"),
                rs.getLong("created_at"));
    }

    private String json(Map<String, Object> data) {
        try {
            return mapper.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event data must be plain JSON values", e);
        }
    }
}
