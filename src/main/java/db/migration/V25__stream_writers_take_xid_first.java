package db.migration;

/**
 * Every statement that inserts into a streamed table first makes its transaction take a
 * transaction id, before the row takes its id from the sequence. The stream horizon
 * (dev.vectis.db.Horizon) relies on it: a transaction that still holds an uncommitted row id
 * always has a transaction id older than that of a fence taken after the id was handed out.
 * PostgreSQL alone gives transaction ids lazily, at the first row written, which would come
 * just after the row id. H2 serves one process, whose transactions Vectis numbers itself.
 */
public class V25__stream_writers_take_xid_first extends PostgresOnlyMigration {

    static final String[] STREAMED = {"events", "job_events", "vps_session_events"};

    @Override
    String[] statements() {
        String[] sql = new String[STREAMED.length + 1];
        // A statement-level BEFORE trigger runs before the statement makes its first row, and so
        // before any column default (the identity's nextval) is evaluated.
        sql[0] = """
                CREATE FUNCTION vectis_take_xid() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_current_xact_id();
                    RETURN NULL;
                END
                $$""";
        for (int i = 0; i < STREAMED.length; i++) {
            sql[i + 1] = "CREATE TRIGGER " + STREAMED[i] + "_take_xid BEFORE INSERT ON " + STREAMED[i]
                    + " FOR EACH STATEMENT EXECUTE FUNCTION vectis_take_xid()";
        }
        return sql;
    }
}
