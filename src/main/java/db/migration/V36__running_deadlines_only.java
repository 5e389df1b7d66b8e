package db.migration;

/**
 * The deadline sweep looks for running jobs past their deadline, and only running jobs have
 * one. The index it reads held every version of every job, so each job paid for entries when
 * it was created and when it finished that no read ever used, and the index grew with the
 * history. It now holds running jobs only. H2 has no partial indexes and keeps the full one.
 */
public class V36__running_deadlines_only extends PostgresOnlyMigration {

    @Override
    String[] statements() {
        return new String[] {
                "DROP INDEX jobs_running_deadline",
                "CREATE INDEX jobs_running_deadline ON jobs (deadline_at) WHERE status = 'running'"};
    }
}
