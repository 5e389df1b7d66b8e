package dev.vectis.events;

import java.util.Optional;

/**
 * The PostgreSQL notification channels nodes tell each other over. A payload is the sending
 * node's tag and then what the channel needs, one item a line, kept to a few kilobytes.
 */
public enum Channel {
    /** Jobs became pending: the number. Each node wakes that many of its waiting long polls, not all. */
    WORK("vectis_work"),
    /** Events or jobs were written: each node's stream reader reads again. Nothing more. */
    EVENTS("vectis_events"),
    /** A row that nodes keep in a cache changed: the cache's name, then its keys, or {@code *} for all. */
    FORGET("vectis_forget");

    private final String sqlName;

    Channel(String sqlName) {
        this.sqlName = sqlName;
    }

    /** The name LISTEN and pg_notify use: a plain identifier, safe to write into SQL. */
    public String sqlName() {
        return sqlName;
    }

    static Optional<Channel> named(String sqlName) {
        for (Channel c : values()) {
            if (c.sqlName.equals(sqlName)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
