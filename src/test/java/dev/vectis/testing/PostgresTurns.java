package dev.vectis.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Turns at the PostgreSQL server for the test JVMs that share it, each on a database of its own.
 * A test takes a shared turn, so the JVMs' tests run side by side; a {@link HoldsTransactionsOpen}
 * test takes one alone. Advisory locks on the server's admin database: every JVM sees the same ones,
 * and a JVM that dies lets its turn go with its connection.
 */
final class PostgresTurns {

    /** "VECTURNS": ours among whatever else takes advisory locks on the admin database. */
    private static final long KEY = 0x5645435455524E53L;

    private final Connection connection;

    PostgresTurns(String adminUrl, String user, String password) throws SQLException {
        this.connection = DriverManager.getConnection(adminUrl, user, password);
    }

    /** Waits for a turn: shared, or {@code alone}. */
    synchronized void take(boolean alone) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SELECT " + (alone ? "pg_advisory_lock" : "pg_advisory_lock_shared") + "(" + KEY + ")");
        }
    }

    /** Ends this JVM's turn, whichever it was; nothing when it has none. */
    synchronized void end() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SELECT pg_advisory_unlock_all()");
        }
    }
}
