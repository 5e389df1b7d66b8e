package dev.vectis.db;

import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.transaction.DelegatingTransactionHandler;
import org.jdbi.v3.core.transaction.TransactionHandler;

/**
 * This process's open transactions, numbered in the order they began: on H2, which serves one
 * process and tells nothing of its transactions, what a {@link Horizon} needs to know that every
 * transaction older than a fence has ended. Counted where Jdbi begins and ends a transaction, so
 * a row inserted outside one (autocommit) is not covered; streamed rows are always written
 * inside a transaction.
 */
final class OpenTransactions {

    private final TreeSet<Long> open = new TreeSet<>();
    private long last;

    /** A number higher than that of every transaction begun so far. */
    synchronized long next() {
        return last + 1;
    }

    /** The number of the oldest transaction still open; {@link #next()} when none is. */
    synchronized long oldest() {
        return open.isEmpty() ? last + 1 : open.first();
    }

    /** Wraps Jdbi's transaction handler so that every transaction is counted while it is open. */
    TransactionHandler counting(TransactionHandler delegate) {
        return new Counting(delegate);
    }

    private synchronized long begin() {
        open.add(++last);
        return last;
    }

    private synchronized void end(long number) {
        open.remove(number);
    }

    /** One per handle (Jdbi specializes the handler for each), so it knows its handle's transaction. */
    private final class Counting extends DelegatingTransactionHandler {

        private long number;
        private boolean watchingClose;

        Counting(TransactionHandler delegate) {
            super(delegate);
        }

        @Override
        public TransactionHandler specialize(Handle handle) throws java.sql.SQLException {
            return new Counting(getDelegate().specialize(handle));
        }

        @Override
        public void begin(Handle handle) {
            if (number == 0) {
                number = OpenTransactions.this.begin();
            }
            if (!watchingClose) {
                // A handle closed in the middle of a transaction must not leave it counted forever.
                handle.addCleanable(this::ended);
                watchingClose = true;
            }
            try {
                super.begin(handle);
            } catch (RuntimeException e) {
                ended();
                throw e;
            }
        }

        @Override
        public void commit(Handle handle) {
            try {
                super.commit(handle);
            } finally {
                ended();
            }
        }

        @Override
        public void rollback(Handle handle) {
            try {
                super.rollback(handle);
            } finally {
                ended();
            }
        }

        private void ended() {
            if (number != 0) {
                end(number);
                number = 0;
            }
        }
    }
}
