package dev.vectis.db;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.core.statement.Update;

/**
 * A write that can ride in another statement as a common table expression (PostgreSQL's
 * data-modifying WITH), saving its round trip, or run alone where that is not possible (H2).
 * Its parameters' names must not clash with those of the writes it rides with.
 */
public record Cte(String name, String sql, Consumer<SqlStatement<?>> bind) {

    /** {@code name AS (sql)}, for a WITH list. */
    public String with() {
        return name + " AS (" + sql + ")";
    }

    /** Runs it alone; how many rows it wrote. */
    public int run(Handle h) {
        Update update = h.createUpdate(sql);
        bind.accept(update);
        return update.execute();
    }

    /**
     * Runs {@code first}, then {@code last}: on PostgreSQL as one statement, one round trip;
     * elsewhere one after another. How many rows {@code last} wrote, for a caller whose last
     * write is conditional.
     */
    public static int together(Handle h, List<Cte> first, Cte last) {
        if (first.isEmpty() || Dialect.of(h) != Dialect.POSTGRESQL) {
            first.forEach(c -> c.run(h));
            return last.run(h);
        }
        return joined(h, first, last, "1", "COUNT(*)").mapTo(Integer.class).one();
    }

    /** As {@link #together}, for a {@code last} that inserts one row: that row's generated id. */
    public static long insertedId(Handle h, List<Cte> first, Cte last) {
        if (Dialect.of(h) != Dialect.POSTGRESQL) {
            first.forEach(c -> c.run(h));
            Update insert = h.createUpdate(last.sql());
            last.bind().accept(insert);
            return insert.executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
        }
        return joined(h, first, last, "id", "id").mapTo(Long.class).one();
    }

    /** {@code WITH first..., last AS (last RETURNING returning) SELECT answer FROM last}, bound. */
    private static Query joined(Handle h, List<Cte> first, Cte last, String returning, String answer) {
        List<Cte> all = new ArrayList<>(first);
        all.add(new Cte(last.name(), last.sql() + " RETURNING " + returning, last.bind()));
        Query statement = h.createQuery("WITH " + all.stream().map(Cte::with).collect(Collectors.joining(", "))
                + " SELECT " + answer + " FROM " + last.name());
        all.forEach(c -> c.bind().accept(statement));
        return statement;
    }
}
