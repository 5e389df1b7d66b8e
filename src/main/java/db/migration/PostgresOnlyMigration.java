package db.migration;

import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * A migration whose statements only PostgreSQL needs or understands (partial indexes,
 * unlogged tables, tables only several nodes share). On H2 it is recorded as applied and
 * does nothing, so both databases keep one version history.
 */
abstract class PostgresOnlyMigration extends BaseJavaMigration {

    /** The statements, run in order on PostgreSQL. */
    abstract String[] statements();

    @Override
    public final void migrate(Context context) throws Exception {
        if (!"PostgreSQL".equals(context.getConnection().getMetaData().getDatabaseProductName())) {
            return;
        }
        try (Statement s = context.getConnection().createStatement()) {
            for (String sql : statements()) {
                s.execute(sql);
            }
        }
    }
}
