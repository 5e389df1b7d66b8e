package dev.vectis.db;

import org.jdbi.v3.core.Handle;

/** The two databases Vectis runs on. SQL is written to run unchanged on both where it can. */
public enum Dialect {
    H2, POSTGRESQL;

    public static Dialect of(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:postgresql:") ? POSTGRESQL : H2;
    }

    /** The database a handle's statements go to, as {@link Database} configured its Jdbi. */
    public static Dialect of(Handle h) {
        return h.getConfig(Horizon.Config.class).dialect();
    }
}
