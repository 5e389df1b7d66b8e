package db.migration;

/**
 * Every heartbeat adds a metrics sample, and the only read by time alone is the retention
 * prune, a few times an hour. Samples arrive in time order, so a block-range index answers
 * the prune as well as a B-tree at a small part of the cost per insert, which every heartbeat
 * pays. Ranges are summarized as they fill (autosummarize) and by the prune itself. H2 keeps
 * its B-tree.
 */
public class V35__metrics_time_range_index extends PostgresOnlyMigration {

    @Override
    String[] statements() {
        return new String[] {
                "DROP INDEX worker_metrics_time",
                "CREATE INDEX worker_metrics_time ON worker_metrics USING brin (created_at) WITH (autosummarize = on)"};
    }
}
