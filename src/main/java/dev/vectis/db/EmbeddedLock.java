package dev.vectis.db;

import java.nio.file.Path;
import java.sql.SQLException;

/**
 * The embedded database is one process's at a time: H2 locks its file. A second server on
 * the same data directory is told so in words, not with H2's error codes.
 */
final class EmbeddedLock {

    /** H2's DATABASE_ALREADY_OPEN_1: "Database may be already in use". */
    private static final int ALREADY_OPEN = 90020;

    private EmbeddedLock() {
    }

    static boolean heldElsewhere(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getErrorCode() == ALREADY_OPEN) {
                return true;
            }
            String message = t.getMessage();
            if (message != null && (message.contains("The file is locked") || message.contains("already in use"))) {
                return true;
            }
        }
        return false;
    }

    static String message(Path dataDir) {
        return "the data directory " + dataDir.toAbsolutePath() + " is in use by another Vectis process (the "
                + "embedded database allows one at a time): stop that one first, or point database.url at "
                + "PostgreSQL to run several nodes";
    }
}
