package dev.vectis.db;

import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/**
 * One statement that reads, for each key, the rows after that key's own id, oldest first
 * overall, up to a {@link Horizon} when one is given. Written as a UNION ALL of one indexed
 * range per key: H2 answers an OR of the ranges by scanning the whole table.
 */
public final class KeyedAfter {

    private KeyedAfter() {
    }

    /**
     * @param select    {@code SELECT <columns> FROM <table>}; the columns include {@code id}
     * @param keyColumn the column the keys are values of, indexed together with {@code id}
     * @param bound     from the table's horizon, taken on {@code h}; null reads every committed row
     */
    public static <T> List<T> read(Handle h, String select, String keyColumn, Map<String, Long> positions, int limit,
                                   Horizon.Bound bound, RowMapper<T> mapper) {
        if (positions.isEmpty()) {
            return List.of();
        }
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < positions.size(); i++) {
            sql.append(i == 0 ? "" : " UNION ALL ").append('(').append(select).append(" WHERE ").append(keyColumn)
                    .append(" = :k").append(i).append(" AND id > :a").append(i)
                    .append(bound == null ? "" : " AND " + bound.condition()).append(" ORDER BY id LIMIT :limit)");
        }
        String statement = positions.size() == 1
                ? sql.substring(1, sql.length() - 1)
                : "SELECT * FROM (" + sql + ") AS keyed ORDER BY id LIMIT :limit";
        Query q = h.createQuery(statement).bind("limit", limit);
        if (bound != null) {
            bound.bind(q);
        }
        int i = 0;
        for (Map.Entry<String, Long> p : positions.entrySet()) {
            q.bind("k" + i, p.getKey()).bind("a" + i, p.getValue());
            i++;
        }
        return q.map(mapper).list();
    }
}
