package dev.vectis.db;

/** The database could not be opened at start-up. */
public class DatabaseUnavailableException extends RuntimeException {

    public DatabaseUnavailableException(String message) {
        super(message);
    }
}
