package dev.vectis.db;

import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * A write that can ride in another statement as a common table expression (PostgreSQL's
 * data-modifying WITH), saving its round trip, or run alone where that is not possible (H2).
 * Its parameters' names must not clash with the statement's it rides in.
 */
public record Cte(String name, String sql, Consumer<SqlStatement<?>> bind) {

    /** {@code name AS (sql)}, for a WITH list. */
    public String with() {
        return name + " AS (" + sql + ")";
    }

    public void run(Handle h) {
        var update = h.createUpdate(sql);
        bind.accept(update);
        update.execute();
    }
}
