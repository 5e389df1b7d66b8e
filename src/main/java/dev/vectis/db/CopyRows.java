package dev.vectis.db;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Rows sent to PostgreSQL with {@code COPY … FROM STDIN} in its text format: the cheapest way
 * for the database to take many rows, as it parses no statement and no array per row. The
 * protocol is pgjdbc's; this class only writes the text format's values and escapes.
 */
public final class CopyRows {

    /** Sent once this much text has gathered, so a large batch never sits whole in memory twice. */
    private static final int SEND_AT = 64 * 1024;

    private final CopyIn copy;
    private final StringBuilder text = new StringBuilder(SEND_AT + 1024);
    private boolean rowStarted;

    private CopyRows(CopyIn copy) {
        this.copy = copy;
    }

    /** Writes one row's values in the columns' order, each with a value method, then {@link #endRow}. */
    public interface Rows {
        void write(CopyRows out) throws SQLException;
    }

    /**
     * Copies the rows {@code rows} writes into {@code table (columns)} on the handle's
     * connection, inside its transaction; returns how many the database took. A failure
     * part-way cancels the copy, so the connection is left usable for the rollback.
     */
    public static long into(Handle h, String table, String columns, Rows rows) {
        try {
            CopyIn copy = h.getConnection().unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY " + table + " (" + columns + ") FROM STDIN");
            try {
                CopyRows out = new CopyRows(copy);
                rows.write(out);
                out.send();
                return copy.endCopy();
            } catch (SQLException | RuntimeException e) {
                if (copy.isActive()) {
                    try {
                        copy.cancelCopy();
                    } catch (SQLException cancel) {
                        e.addSuppressed(cancel);
                    }
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException("COPY into " + table + " failed", e, null);
        }
    }

    public CopyRows text(String value) {
        separate();
        if (value == null) {
            text.append("\\N");
            return this;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> text.append("\\\\");
                case '\t' -> text.append("\\t");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                default -> text.append(c);
            }
        }
        return this;
    }

    public CopyRows number(long value) {
        separate();
        text.append(value);
        return this;
    }

    /** A number or null, in Java's text of it (a double's shortest text reads back as the same double). */
    public CopyRows number(Number value) {
        if (value == null) {
            return text(null);
        }
        separate();
        text.append(value);
        return this;
    }

    public void endRow() throws SQLException {
        text.append('\n');
        rowStarted = false;
        if (text.length() >= SEND_AT) {
            send();
        }
    }

    private void separate() {
        if (rowStarted) {
            text.append('\t');
        }
        rowStarted = true;
    }

    private void send() throws SQLException {
        if (!text.isEmpty()) {
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            copy.writeToCopy(bytes, 0, bytes.length);
            text.setLength(0);
        }
    }
}
