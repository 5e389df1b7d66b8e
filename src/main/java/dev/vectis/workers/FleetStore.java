package dev.vectis.workers;

import dev.vectis.db.Columns;
import dev.vectis.db.Page;
import dev.vectis.error.InvalidInputException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * SQL for the fleet view. A page is chosen from the workers table alone, by keyset on an
 * index where the order has one (id, last heard from); only the page's rows then count their
 * jobs and sessions and look up their newest metrics sample, so a page costs the same with
 * ten workers as with ten thousand.
 */
final class FleetStore {

    private final String endedChatStates;
    /** The worker's state word, for the select list, filters and the order alike. */
    private final String state;
    private final String columns;

    /** @param endedChatStates an SQL list of the chat-session states that no longer occupy a worker */
    FleetStore(String endedChatStates) {
        this.endedChatStates = endedChatStates;
        this.state = WorkerState.of("w", endedChatStates);
        // Straight from the table, no derived table: H2 then reads the order's index and stops at the limit.
        this.columns = "w.id, w.enrolled_via, COALESCE(w.name, w.hostname) AS name, w.hostname, "
                + "COALESCE(w.ip, w.executor_ip) AS address, w.endpoint, w.base_url, w.version, w.online, "
                + "w.last_seen_at, w.created_at, w.max_jobs, w.max_sessions, w.active_sessions, "
                + state + " AS state";
    }

    /** One more row than asked when there are more, so the caller can tell. */
    List<FleetWorker> page(Handle h, FleetQuery q, int rows) {
        Map<String, Object> binds = new LinkedHashMap<>();
        List<String> where = filters(q, binds);
        if (q.cursor() != null) {
            where.add(after(q, binds));
        }
        binds.put("limit", rows);
        return rows(h, "SELECT " + columns + " FROM workers w" + where(where) + " ORDER BY "
                + order(q.sort(), q.descending(), "w.id", "w.last_seen_at", state) + " LIMIT :limit",
                order(q.sort(), q.descending(), "p.id", "p.last_seen_at", "p.state"), binds);
    }

    long count(Handle h, FleetQuery q) {
        Map<String, Object> binds = new LinkedHashMap<>();
        Query query = h.createQuery("SELECT COUNT(*) FROM workers w" + where(filters(q, binds)));
        binds.forEach(query::bind);
        return query.mapTo(Long.class).one();
    }

    Optional<FleetWorker> find(Handle h, String id) {
        Map<String, Object> binds = new LinkedHashMap<>();
        binds.put("id", id);
        return rows(h, "SELECT " + columns + " FROM workers w WHERE w.id = :id", "p.id", binds).stream().findFirst();
    }

    /** The page's rows with what they run and their newest sample, each an index lookup per row. */
    private List<FleetWorker> rows(Handle h, String page, String order, Map<String, Object> binds) {
        Query query = h.createQuery("SELECT p.*, (SELECT COUNT(*) FROM jobs j WHERE j.worker_id = p.id "
                + "AND j.status = 'running') AS running_jobs, (SELECT COUNT(*) FROM chat_sessions s "
                + "WHERE s.worker_id = p.id AND s.status NOT IN " + endedChatStates + ") AS chat_sessions, "
                + WorkerStore.SAMPLE_COLUMNS + " FROM (" + page + ") p LEFT JOIN worker_metrics m ON m.id = "
                + "(SELECT l.id FROM worker_metrics l WHERE l.worker_id = p.id ORDER BY l.created_at DESC, l.id DESC "
                + "LIMIT 1) ORDER BY " + order);
        binds.forEach(query::bind);
        List<FleetWorker> rows = query.map(FleetStore::row).list();
        Map<String, Labels> labels = WorkerLabels.of(h, rows.stream().map(FleetWorker::id).toList());
        return rows.stream().map(w -> w.withLabels(labels.getOrDefault(w.id(), Labels.NONE))).toList();
    }

    private List<String> filters(FleetQuery q, Map<String, Object> binds) {
        List<String> where = new ArrayList<>();
        if (!q.states().isEmpty()) {
            where.add(anyOf(q.states(), "state", binds, (name, v) -> state + " = :" + name));
        }
        if (!q.contracts().isEmpty()) {
            where.add(anyOf(q.contracts(), "contract", binds, (name, v) -> WorkerContracts.speaks("w", v)));
        }
        int n = 0;
        for (Map.Entry<String, String> label : q.labels().entrySet()) {
            where.add(WorkerLabels.has("w", label.getKey(), label.getValue(), "label" + n++, binds));
        }
        if (q.text() != null) {
            // '!' escapes, not a backslash, which Jdbi's parser takes for escaping the closing quote.
            binds.put("text", "%" + q.text().toLowerCase(Locale.ROOT).replace("!", "!!").replace("%", "!%")
                    .replace("_", "!_") + "%");
            where.add(String.join(" OR ", List.of("id", "name", "hostname", "ip", "executor_ip", "endpoint",
                    "base_url", "description").stream().map(c -> "LOWER(w." + c + ") LIKE :text ESCAPE '!'").toList()));
        }
        return where;
    }

    /** One condition from each value, any of which may hold; each value is bound when the condition names it. */
    private static String anyOf(List<String> values, String name, Map<String, Object> binds,
                                BiFunction<String, String, String> condition) {
        List<String> any = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            String sql = condition.apply(name + i, values.get(i));
            if (sql.contains(":" + name + i)) {
                binds.put(name + i, values.get(i));
            }
            any.add(sql);
        }
        return String.join(" OR ", any);
    }

    private static String where(List<String> conditions) {
        return conditions.isEmpty() ? "" : " WHERE (" + String.join(") AND (", conditions) + ")";
    }

    /** The order, over the given id, last-heard and state expressions. */
    private static String order(FleetQuery.Sort sort, boolean descending, String id, String lastHeard, String state) {
        String direction = descending ? " DESC" : "";
        return switch (sort) {
            case ID -> id + direction;
            case LAST_HEARD -> lastHeard + direction + ", " + id + direction;
            case STATE -> state + direction + ", " + id + direction;
        };
    }

    /** Rows after the cursor's, in the page's order: a row-value comparison an index on the order can serve. */
    private String after(FleetQuery q, Map<String, Object> binds) {
        Position at = Position.decode(q.cursor(), q.sort(), q.descending());
        String op = q.descending() ? " < " : " > ";
        binds.put("afterId", at.id());
        return switch (q.sort()) {
            case ID -> "w.id" + op + ":afterId";
            case LAST_HEARD -> {
                binds.put("afterKey", at.lastHeard());
                yield "(w.last_seen_at, w.id)" + op + "(:afterKey, :afterId)";
            }
            case STATE -> {
                binds.put("afterKey", at.key());
                yield "(" + state + ", w.id)" + op + "(:afterKey, :afterId)";
            }
        };
    }

    /** Where a page ended: its last row's sort key and id, as an opaque cursor tied to the order. */
    record Position(String key, String id) {

        static String encode(FleetWorker last, FleetQuery.Sort sort, boolean descending) {
            String key = switch (sort) {
                case ID -> "";
                case LAST_HEARD -> Long.toString(last.lastSeenAt());
                case STATE -> last.state();
            };
            return Page.compoundCursor(sort.word(), descending ? "desc" : "asc", key, last.id());
        }

        static Position decode(String cursor, FleetQuery.Sort sort, boolean descending) {
            String[] parts = Page.compoundParts(cursor, 4, NEXT);
            if (!parts[0].equals(sort.word()) || !parts[1].equals(descending ? "desc" : "asc")) {
                throw new InvalidInputException("cursor", "cursor belongs to another sort or order; "
                        + "start again without one");
            }
            Position p = new Position(parts[2], parts[3]);
            if (sort == FleetQuery.Sort.LAST_HEARD) {
                p.lastHeard();
            }
            return p;
        }

        long lastHeard() {
            return Page.numberPart(key, NEXT);
        }

        private static final String NEXT = "nextCursor";
    }

    private static FleetWorker row(ResultSet rs, StatementContext ctx) throws SQLException {
        String enrolledVia = rs.getString("enrolled_via");
        String baseUrl = rs.getString("base_url");
        boolean runsJobs = "fleet".equals(enrolledVia) || "executor".equals(enrolledVia);
        Integer maxSessions = Columns.intOrNull(rs, "max_sessions");
        if (maxSessions == null && baseUrl != null) {
            maxSessions = MarketplaceWorkers.DEFAULT_MAX_SESSIONS;
        }
        return new FleetWorker(rs.getString("id"), rs.getString("name"), enrolledVia,
                WorkerContracts.of(enrolledVia, baseUrl), rs.getString("state"), rs.getBoolean("online"),
                rs.getLong("last_seen_at"), rs.getLong("created_at"), rs.getString("hostname"),
                rs.getString("address"), rs.getString("endpoint"), baseUrl, rs.getString("version"),
                rs.getInt("running_jobs"), runsJobs ? rs.getInt("max_jobs") : null,
                rs.getInt("active_sessions") + rs.getInt("chat_sessions"), maxSessions, Labels.NONE,
                rs.getObject("m_created_at") == null ? Optional.empty()
                        : Optional.of(WorkerMetrics.sample(rs, "m_")));
    }
}
