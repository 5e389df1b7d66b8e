package dev.vectis.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jdbi.v3.core.ConnectionFactory;

/**
 * Connections from the shared pool, at most {@code size} of them at once. Background work that
 * comes in bursts (a marketplace round watching every provisioning session) takes its
 * connections through here, so requests always find the rest of the pool free rather than
 * queueing behind the burst; the burst is spread over a little more time instead.
 */
final class PoolShare implements ConnectionFactory {

    private final DataSource pool;
    private final Semaphore permits;
    private final int size;
    private final Duration wait;

    PoolShare(DataSource pool, int size, Duration wait) {
        this.pool = pool;
        this.permits = new Semaphore(size, true);
        this.size = size;
        this.wait = wait;
    }

    /** A quarter of the pool, at least one connection. */
    static int of(int poolSize) {
        return Math.max(1, poolSize / 4);
    }

    @Override
    public Connection openConnection() throws SQLException {
        try {
            if (!permits.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new SQLTransientConnectionException("all " + size + " connections of the background share "
                        + "stayed in use for " + wait.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTransientConnectionException("interrupted while waiting for a connection", e);
        }
        try {
            return pool.getConnection();
        } catch (SQLException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    @Override
    public void closeConnection(Connection c) throws SQLException {
        try {
            c.close();
        } finally {
            permits.release();
        }
    }

    int size() {
        return size;
    }
}
