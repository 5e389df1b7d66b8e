package dev.vectis.db;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Nullable numeric columns: JDBC's getInt/getLong turn NULL into 0, which would lie. */
public final class Columns {

    private Columns() {
    }

    public static Integer intOrNull(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    public static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
