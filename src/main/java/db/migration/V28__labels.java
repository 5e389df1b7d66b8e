package db.migration;

import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Labels on workers (os=linux, gpu=true) and the labels a job requires. A job's labels are
 * kept twice on purpose: as rows, which the claim matches against the worker's rows in the
 * same statement, and as one canonical text on the job, NULL when it requires none, which
 * views show and which keeps the claim of a job without labels a walk down one index.
 * That index is the one part that differs: PostgreSQL indexes only the pending jobs without
 * labels (as V18 does for all pending jobs); H2 has no partial indexes and reads the same
 * rows, in seq order, from (status, labels, seq). Java rather than SQL only for that.
 */
public class V28__labels extends BaseJavaMigration {

    private static final String[] BOTH = {
        "CREATE TABLE worker_labels ("
                + "worker_id   VARCHAR(100) NOT NULL REFERENCES workers (id) ON DELETE CASCADE, "
                + "label_key   VARCHAR(63)  NOT NULL, "
                + "label_value VARCHAR(63)  NOT NULL, "
                + "PRIMARY KEY (worker_id, label_key))",
        "ALTER TABLE jobs ADD COLUMN labels VARCHAR(2048)",
        "CREATE TABLE job_labels ("
                + "job_id      VARCHAR(64)  NOT NULL REFERENCES jobs (id) ON DELETE CASCADE, "
                + "label_key   VARCHAR(63)  NOT NULL, "
                + "label_value VARCHAR(63)  NOT NULL, "
                + "PRIMARY KEY (job_id, label_key))",
    };

    private static final String POSTGRES_INDEX =
            "CREATE INDEX jobs_pending_unlabelled ON jobs (seq) WHERE status = 'pending' AND labels IS NULL";

    private static final String H2_INDEX = "CREATE INDEX jobs_status_labels_seq ON jobs (status, labels, seq)";

    @Override
    public void migrate(Context context) throws SQLException {
        boolean postgres = "PostgreSQL".equals(context.getConnection().getMetaData().getDatabaseProductName());
        try (Statement s = context.getConnection().createStatement()) {
            for (String sql : BOTH) {
                s.execute(sql);
            }
            s.execute(postgres ? POSTGRES_INDEX : H2_INDEX);
        }
    }
}
