package db.migration;

/**
 * Claims look for the oldest pending job. With a long history, PostgreSQL's planner may walk
 * the seq index over every finished job to find it; an index holding only pending jobs keeps
 * that look as cheap with a million finished jobs as with none. H2 has no partial indexes
 * and keeps using (status, seq), which it reads the same way whatever the history. Java
 * rather than SQL only to make the index PostgreSQL's alone.
 */
public class V18__pending_jobs_index extends PostgresOnlyMigration {

    @Override
    String[] statements() {
        return new String[] {
                "CREATE INDEX jobs_pending ON jobs (seq) WHERE status = 'pending'"};
    }
}
