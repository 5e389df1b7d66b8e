package dev.vectis.db;

/** The two databases Vectis runs on. SQL is written to run unchanged on both where it can. */
public enum Dialect {
    H2, POSTGRESQL;

    public static Dialect of(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:postgresql:") ? POSTGRESQL : H2;
    }
}
