package db.migration;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Idempotency keys get a scope, part of their identity: a user's purchase key and the key the
 * admin sent to change that user's coins are different records even when they are the same
 * text. Java rather than SQL only because V5's primary key has no name: H2 and PostgreSQL
 * generated different ones, so it is looked up before it is replaced.
 */
public class V15__idempotency_key_scopes extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        try (Statement s = c.createStatement()) {
            String primaryKey = primaryKey(s);
            s.execute("ALTER TABLE idempotency_keys DROP CONSTRAINT \"" + primaryKey.replace("\"", "\"\"") + "\"");
            // Every key so far was a purchase's.
            s.execute("ALTER TABLE idempotency_keys ADD COLUMN key_scope VARCHAR(20) DEFAULT 'purchase' NOT NULL");
            s.execute("ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_scoped "
                    + "PRIMARY KEY (user_id, key_scope, idem_key)");
        }
    }

    private static String primaryKey(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT constraint_name FROM information_schema.table_constraints "
                + "WHERE LOWER(table_name) = 'idempotency_keys' AND table_schema = CURRENT_SCHEMA "
                + "AND constraint_type = 'PRIMARY KEY'")) {
            if (!rs.next()) {
                throw new IllegalStateException("idempotency_keys has no primary key to replace");
            }
            return rs.getString(1);
        }
    }
}
