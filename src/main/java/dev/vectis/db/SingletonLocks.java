package dev.vectis.db;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which loops that must run on one node at a time this node runs. On PostgreSQL each such loop
 * is a session advisory lock, taken on a connection of this node's own and kept across the
 * loop's turns: the node that has it runs the loop until it stops or its connection ends, which
 * a dying process's always does, and then a node that asks next gets it. Asking again on every
 * turn is also how a holder learns that its session is still alive. H2 serves one process, so
 * there every loop runs.
 */
public final class SingletonLocks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SingletonLocks.class);
    /** "VECT" in the high half keeps these keys apart from any other application's on the database. */
    private static final long KEY_SPACE = 0x5645435400000000L;
    /** Longest a statement on the lock connection may take before the session is taken for lost. */
    private static final int NETWORK_TIMEOUT_MILLIS = 10_000;
    /**
     * The server ends the lock session after this long without a statement: a node whose
     * loops all stalled, or that vanished without closing its connection, lets go within it.
     */
    private static final String IDLE_SESSION_TIMEOUT = "60s";
    /** How operators tell the connection apart in pg_stat_activity. */
    static final String APPLICATION_NAME = "vectis-loop-locks";

    /** Opens the lock connection. */
    @FunctionalInterface
    public interface Connector {
        Connection open() throws SQLException;
    }

    private final Dialect dialect;
    private final Connector connector;
    private final Set<String> held = new TreeSet<>();
    private Connection connection;
    private boolean closed;

    public SingletonLocks(Dialect dialect, Connector connector) {
        this.dialect = dialect;
        this.connector = connector;
    }

    public static SingletonLocks of(Database database) {
        Properties properties = new Properties();
        properties.setProperty("ApplicationName", APPLICATION_NAME);
        return new SingletonLocks(database.dialect(), () -> database.openDedicated(properties));
    }

    /** Runs {@code task} only while this node holds the loop's lock. */
    public Runnable guard(String loop, Runnable task) {
        return () -> {
            if (hold(loop)) {
                task.run();
            }
        };
    }

    /** True when this node runs the loop now: it held the lock and its session is alive, or it just took it. */
    public synchronized boolean hold(String loop) {
        if (closed) {
            return false;
        }
        if (dialect != Dialect.POSTGRESQL) {
            held.add(loop);
            return true;
        }
        try {
            Connection c = connection();
            if (held.contains(loop)) {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT 1"); // an answer means the session, and every lock it holds, is still there
                }
                return true;
            }
            if (tryLock(c, key(loop))) {
                held.add(loop);
                LOG.info("This node now runs {}", loop);
                return true;
            }
            return false;
        } catch (SQLException e) {
            lost(e);
            return false;
        }
    }

    /** The loops this node runs now, by name. */
    public synchronized List<String> held() {
        return List.copyOf(held);
    }

    /** Lets every lock go, so other nodes take the loops over at their next turn; asked again, the answer is no. */
    @Override
    public synchronized void close() {
        closed = true;
        if (connection == null) {
            held.clear();
            return;
        }
        try (Statement s = connection.createStatement()) {
            s.execute("SELECT pg_advisory_unlock_all()");
        } catch (SQLException e) {
            LOG.debug("Could not release the loop locks (closing the connection releases them): {}", e.getMessage());
        }
        if (!held.isEmpty()) {
            LOG.info("Released {}", String.join(", ", held));
        }
        disconnect();
    }

    /** The loop's lock key: stable across nodes and versions, since it is made from the name alone. */
    static long key(String loop) {
        CRC32 crc = new CRC32();
        crc.update(loop.getBytes(StandardCharsets.UTF_8));
        return KEY_SPACE | crc.getValue();
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            Connection c = connector.open();
            try {
                c.setAutoCommit(true);
                c.setNetworkTimeout(Runnable::run, NETWORK_TIMEOUT_MILLIS);
                idleTimeout(c);
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            connection = c;
        }
        return connection;
    }

    /** PostgreSQL 14 and later; on older servers a vanished node's locks last until its TCP connection times out. */
    private static void idleTimeout(Connection c) {
        try (Statement s = c.createStatement()) {
            s.execute("SET idle_session_timeout = '" + IDLE_SESSION_TIMEOUT + "'");
        } catch (SQLException e) {
            LOG.debug("idle_session_timeout is not supported here: {}", e.getMessage());
        }
    }

    private static boolean tryLock(Connection c, long key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            s.setLong(1, key);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** The session is gone, and its locks with it; the next turn connects again and asks anew. */
    private void lost(SQLException e) {
        if (!held.isEmpty()) {
            LOG.warn("Lost the connection holding {}: {}; another node may take them over", String.join(", ", held),
                    e.getMessage());
        } else {
            LOG.debug("The loop lock connection failed: {}", e.getMessage());
        }
        disconnect();
    }

    private void disconnect() {
        held.clear();
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is being dropped either way
            }
            connection = null;
        }
    }
}
