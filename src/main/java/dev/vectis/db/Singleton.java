package dev.vectis.db;

import org.jdbi.v3.core.Handle;

/**
 * Lets one node at a time run a periodic task when several share a PostgreSQL database.
 * The lock is held until the surrounding transaction ends. H2 is single-process, so there
 * the answer is always yes.
 */
public final class Singleton {

    private Singleton() {
    }

    public static boolean tryLock(Handle handle, Dialect dialect, long key) {
        if (dialect != Dialect.POSTGRESQL) {
            return true;
        }
        return handle.createQuery("SELECT pg_try_advisory_xact_lock(:key)").bind("key", key)
                .mapTo(Boolean.class).one();
    }
}
