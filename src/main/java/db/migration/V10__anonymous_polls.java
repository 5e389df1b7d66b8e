package db.migration;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * command-executor.md polls without identity. A job handed to such a poll is running before
 * anyone knows which worker has it, so a running job now needs a worker or the address it
 * was handed to. Java rather than SQL only because V2's check has no name: H2 and PostgreSQL
 * generated different ones, so it is looked up before it is replaced.
 */
public class V10__anonymous_polls extends BaseJavaMigration {

    private static final String[] STATEMENTS = {
        // Where the worker was last heard from through this contract, when its current
        // process registered, and whether it names itself when it polls.
        "ALTER TABLE workers ADD COLUMN executor_ip VARCHAR(45)",
        "ALTER TABLE workers ADD COLUMN registered_at BIGINT",
        "ALTER TABLE workers ADD COLUMN names_itself BOOLEAN DEFAULT FALSE NOT NULL",
        "UPDATE workers SET registered_at = created_at WHERE enrolled_via = 'executor'",
        "CREATE INDEX workers_executor_ip ON workers (executor_ip)",
        // The address an anonymous poll came from, while no report has said whose the job is.
        "ALTER TABLE jobs ADD COLUMN claim_address VARCHAR(45)",
        "ALTER TABLE jobs ADD CONSTRAINT jobs_running_is_held CHECK (status <> 'running' OR "
                + "(deadline_at IS NOT NULL AND (worker_id IS NOT NULL OR claim_address IS NOT NULL)))",
    };

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        try (Statement s = c.createStatement()) {
            for (String name : runningNeedsWorkerChecks(s)) {
                s.execute("ALTER TABLE jobs DROP CONSTRAINT \"" + name.replace("\"", "\"\"") + "\"");
            }
            for (String sql : STATEMENTS) {
                s.execute(sql);
            }
        }
    }

    private static List<String> runningNeedsWorkerChecks(Statement s) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT tc.constraint_name, cc.check_clause "
                + "FROM information_schema.table_constraints tc JOIN information_schema.check_constraints cc "
                + "ON cc.constraint_schema = tc.constraint_schema AND cc.constraint_name = tc.constraint_name "
                + "WHERE LOWER(tc.table_name) = 'jobs' AND tc.table_schema = CURRENT_SCHEMA "
                + "AND tc.constraint_type = 'CHECK'")) {
            while (rs.next()) {
                String clause = rs.getString(2).toLowerCase(java.util.Locale.ROOT);
                if (clause.contains("worker_id") && clause.contains("deadline_at")) {
                    names.add(rs.getString(1));
                }
            }
        }
        if (names.size() != 1) {
            throw new IllegalStateException("expected one check on jobs tying running to worker_id, found " + names);
        }
        return names;
    }
}
