package dev.vectis.db;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/**
 * Recognises, anywhere in a cause chain, a statement the database refused because another
 * transaction was in its way: nothing of the transaction was kept, and a client may try again.
 */
public final class Contention {

    /**
     * Lost a race: PostgreSQL's deadlock victim (40P01) or serialization failure (40001), or
     * H2's deadlock victim (40001; H2 finds lock cycles itself). Running the transaction again
     * from the start is expected to succeed.
     */
    private static final Set<String> LOST_RACE = Set.of("40P01", "40001");
    /**
     * The wait for a lock ran out: H2's lock timeout (HYT00, 2 s by default) or PostgreSQL's
     * lock_timeout (55P03; Vectis sets none). Another transaction held the row all along, and
     * running again would most likely wait as long again, so these are not retried.
     */
    private static final Set<String> WAITED_OUT = Set.of("HYT00", "55P03");

    private Contention() {
    }

    /** Worth running the whole transaction again. */
    public static boolean lostRace(Throwable e) {
        return cause(e, LOST_RACE) != null;
    }

    /**
     * Busy rather than broken: the client gets 503 with Retry-After, not 500. That includes
     * a request that waited its pool's whole timeout for a connection (every one in use).
     */
    public static boolean busy(Throwable e) {
        return lostRace(e) || cause(e, WAITED_OUT) != null || poolExhausted(e);
    }

    private static boolean poolExhausted(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The SQLSTATE and what it means. Never the driver's message: PostgreSQL's report of a
     * failed batch quotes the statement with its values.
     */
    public static String describe(Throwable e) {
        SQLException sql = cause(e, LOST_RACE);
        sql = sql != null ? sql : cause(e, WAITED_OUT);
        if (sql == null) {
            return poolExhausted(e) ? "no database connection came free in time" : "";
        }
        return sql.getSQLState() + switch (sql.getSQLState()) {
            case "40P01" -> " (deadlock)";
            case "40001" -> " (serialization failure, or a deadlock on H2)";
            default -> " (lock wait timed out)";
        };
    }

    private static SQLException cause(Throwable e, Set<String> states) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && states.contains(sql.getSQLState())) {
                return sql;
            }
        }
        return null;
    }
}
