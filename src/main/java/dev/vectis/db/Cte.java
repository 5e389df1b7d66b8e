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
        List<Cte> all = new ArrayList<>(first);
        all.add(new Cte(last.name(), last.sql() + " RETURNING 1", last.bind()));
        Query statement = h.createQuery("WITH " + all.stream().map(Cte::with).collect(Collectors.joining(", "))
                + " SELECT COUNT(*) FROM " + last.name());
        all.forEach(c -> c.bind().accept(statement));
        return statement.mapTo(Integer.class).one();
    }
}
