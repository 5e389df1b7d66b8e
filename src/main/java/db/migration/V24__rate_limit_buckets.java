package db.migration;

/**
 * Rate-limit buckets that every node shares (Bucket4j's PostgreSQL table layout). Only
 * PostgreSQL runs several nodes; on H2 each node keeps its buckets in memory. Unlogged: a
 * bucket is worth less than the write-ahead log entry for it, and after a crash every client
 * simply starts with a full allowance.
 */
public class V24__rate_limit_buckets extends PostgresOnlyMigration {

    @Override
    String[] statements() {
        return new String[] {
                "CREATE UNLOGGED TABLE rate_limit_buckets (id TEXT PRIMARY KEY, state BYTEA, expires_at BIGINT)",
                "CREATE INDEX rate_limit_buckets_expiry ON rate_limit_buckets (expires_at)"};
    }
}
