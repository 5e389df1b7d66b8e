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
 * What the console needs from the database.
 * <ul>
 * <li>Stream tickets: short-lived, single-use, letting a browser open an event stream without a
 * long-lived token in a URL. Kept here so a ticket issued by one node is accepted by any other.
 * Only the ticket's SHA-256 is kept, beside the SHA-256 of the token that asked for it: the
 * stream acts as that token, and a revoked or expired token's tickets grant nothing.</li>
 * <li>The viewer role, which reads and changes nothing. Java rather than SQL only because V29's
 * check of api_tokens.role has no name: H2 and PostgreSQL generated different ones.</li>
 * <li>Indexes for the overview: what finished in the last hour, what the ledger moved today.</li>
 * </ul>
 */
public class V31__console extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE stream_tickets ("
                    + "ticket_sha256 VARCHAR(64) PRIMARY KEY, "
                    + "token_sha256 VARCHAR(64) NOT NULL, "
                    + "path VARCHAR(500) NOT NULL, "
                    + "created_at BIGINT NOT NULL, "
                    + "expires_at BIGINT NOT NULL)");
            s.execute("CREATE INDEX stream_tickets_expiry ON stream_tickets (expires_at)");
            for (String check : roleChecks(s)) {
                s.execute("ALTER TABLE api_tokens DROP CONSTRAINT \"" + check.replace("\"", "\"\"") + "\"");
            }
            s.execute("ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_role_known "
                    + "CHECK (role IN ('admin', 'operator', 'viewer', 'submitter', 'worker'))");
            s.execute("CREATE INDEX jobs_completed_at ON jobs (completed_at)");
            s.execute("CREATE INDEX ledger_entries_created_at ON ledger_entries (created_at)");
        }
    }

    private static List<String> roleChecks(Statement s) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT tc.constraint_name FROM information_schema.table_constraints tc "
                + "JOIN information_schema.check_constraints cc ON cc.constraint_name = tc.constraint_name "
                + "AND cc.constraint_schema = tc.constraint_schema "
                + "WHERE LOWER(tc.table_name) = 'api_tokens' AND tc.table_schema = CURRENT_SCHEMA "
                + "AND tc.constraint_type = 'CHECK' AND cc.check_clause LIKE '%submitter%'")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        if (names.isEmpty()) {
            throw new IllegalStateException("api_tokens has no check of its roles to replace");
        }
        return names;
    }
}
