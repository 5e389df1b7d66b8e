package db.migration;

/**
 * The deadline sweep looks for running jobs past their deadline, and only running jobs have
 * one. The index it reads held every version of every job, so each job paid for entries when
 * it was created and when it finished that no read ever used, and the index grew with the
 * history. It now holds running jobs only. H2 has no partial indexes and keeps the full one.
 */
public class V35__running_deadlines_only extends PostgresOnlyMigration {

    @Override
    String[] statements() {
        return new String[] {
                // Built before the old one is dropped: the build only holds off writes, where
                // the drop's lock, held to the end, would also hold off every read of jobs.
                "CREATE INDEX jobs_running_deadline_new ON jobs (deadline_at) WHERE status = 'running'",
                "DROP INDEX jobs_running_deadline",
                "ALTER INDEX jobs_running_deadline_new RENAME TO jobs_running_deadline"};
    }
}
