package db.migration;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Metrics samples without a foreign key to their worker. The key's check locked the worker's
 * row for every sample written, a row the heartbeat flush updates several times a second: it
 * was some forty per cent of the database's work per heartbeat. Samples are still written
 * only for workers that exist, and deleted with their worker; one written in the instant its
 * worker is deleted is pruned with the rest when the retention period ends. Java rather than
 * SQL because H2 and PostgreSQL named the key differently.
 */
public class V32__metrics_without_foreign_key extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws SQLException {
        try (Statement s = context.getConnection().createStatement()) {
            List<String> keys = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT constraint_name FROM information_schema.table_constraints "
                    + "WHERE LOWER(table_name) = 'worker_metrics' AND constraint_type = 'FOREIGN KEY' "
                    + "AND table_schema = CURRENT_SCHEMA")) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
            if (keys.size() != 1) {
                throw new IllegalStateException("worker_metrics should have one foreign key, not " + keys.size());
            }
            s.execute("ALTER TABLE worker_metrics DROP CONSTRAINT \"" + keys.get(0).replace("\"", "\"\"") + "\"");
        }
    }
}
