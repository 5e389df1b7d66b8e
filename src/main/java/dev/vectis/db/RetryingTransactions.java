package dev.vectis.db;

import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.transaction.DelegatingTransactionHandler;
import org.jdbi.v3.core.transaction.TransactionHandler;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a whole transaction again when it lost a deadlock or a serialization race
 * ({@link Contention}), after a short random pause so the two sides do not collide again.
 * The database rolled the lost attempt back, and Jdbi drops its {@code afterCommit} hooks,
 * so a callback may run more than once but takes effect once, provided it keeps in-memory
 * effects for {@code afterCommit} or for after the transaction returns.
 *
 * <p>Only outermost transactions get here: Jdbi runs a nested {@code inTransaction} as part of
 * the one already open, so a lost race is retried from the outer transaction's start. When
 * the last attempt loses too, the caller gets {@link DatabaseBusyException}: a 503 with
 * Retry-After, never a 500.
 */
final class RetryingTransactions extends DelegatingTransactionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RetryingTransactions.class);
    static final int ATTEMPTS = 4;
    private static final long FIRST_PAUSE_MILLIS = 5;

    private final AtomicLong retries;

    RetryingTransactions(TransactionHandler delegate, AtomicLong retries) {
        super(delegate);
        this.retries = retries;
    }

    @Override
    public <R, X extends Exception> R inTransaction(Handle handle, HandleCallback<R, X> callback) throws X {
        for (int attempt = 1; ; attempt++) {
            try {
                return getDelegate().inTransaction(handle, callback);
            } catch (Exception e) {
                if (!Contention.lostRace(e)) {
                    throw e;
                }
                if (attempt == ATTEMPTS) {
                    LOG.warn("A transaction lost {} races in a row and was given up: {}", ATTEMPTS, Contention.describe(e));
                    throw new DatabaseBusyException();
                }
                retries.incrementAndGet();
                LOG.debug("Running a transaction again after it lost a race: {}", Contention.describe(e));
                long ceiling = FIRST_PAUSE_MILLIS << (attempt - 1);
                try {
                    Thread.sleep(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Override
    public <R, X extends Exception> R inTransaction(Handle handle, TransactionIsolationLevel level,
                                                    HandleCallback<R, X> callback) throws X {
        TransactionIsolationLevel initial = handle.getTransactionIsolationLevel();
        try {
            handle.setTransactionIsolation(level);
            return inTransaction(handle, callback);
        } finally {
            handle.setTransactionIsolation(initial);
        }
    }

    /** Jdbi gives each handle its own transaction state; this keeps the retry around it. */
    @Override
    public TransactionHandler specialize(Handle handle) throws SQLException {
        return new RetryingTransactions(getDelegate().specialize(handle), retries);
    }
}
