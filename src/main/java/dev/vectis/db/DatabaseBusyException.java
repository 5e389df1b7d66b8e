package dev.vectis.db;

import dev.vectis.error.UnavailableException;

/**
 * The database refused a change because other transactions were in its way, again and again
 * ({@link Contention}); the same request a moment later is expected to succeed.
 */
public final class DatabaseBusyException extends UnavailableException {

    static final int RETRY_AFTER_SECONDS = 1;

    public DatabaseBusyException() {
        super("DATABASE_BUSY", "The database is busy with conflicting changes; retry in "
                + RETRY_AFTER_SECONDS + " s", RETRY_AFTER_SECONDS);
    }
}
