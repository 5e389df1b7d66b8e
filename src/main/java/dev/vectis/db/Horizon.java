package dev.vectis.db;

import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.config.JdbiConfig;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * How far a streamed table (a log read by id) is final: an id at or below which no row can
 * still appear. A row takes its id when it is inserted but shows when its transaction commits,
 * and transactions commit in any order: a stream that passed id 6 while the transaction
 * holding 5 was still open would never send 5. So every read a stream makes stops at this
 * bound, and a committed row is sent once every transaction that could still add a row before
 * it has ended. The price: a transaction left open holds back every stream.
 *
 * <p>The bound moves by fences. A fence is the table's newest id, then a transaction id taken
 * after it. A transaction still holding a smaller row id then had its own transaction id
 * already (on PostgreSQL a statement trigger makes every writer take it before its row ids,
 * see migration V25; on H2, {@link OpenTransactions} numbers this process's transactions as
 * they begin), so it is older than the fence; once no transaction older than the fence is
 * running, nothing at or below the fence's id can appear any more. On PostgreSQL that is
 * {@code pg_snapshot_xmin}, the oldest transaction still running on the whole server.
 *
 * <p>A row's own transaction id would not do: a transaction may take its transaction id long
 * before its row id, so a row with a larger id can belong to an older transaction.
 *
 * <p>One per table per node; reads on any thread share it. Every read takes a fence of its own
 * first (the transaction id only when the table has new rows), so a stream of a table that no
 * one else reads is as fresh as one of a busy table.
 */
public final class Horizon {

    /** Fences waiting for older transactions to end, at most; past this the newest is replaced. */
    private static final int MAX_PENDING = 16;

    private record Fence(long id, long xid) {
    }

    private final String table;
    private final Dialect dialect;
    private final OpenTransactions open;
    private final List<Fence> pending = new ArrayList<>();
    private long settled;

    private Horizon(String table, Dialect dialect, OpenTransactions open) {
        this.table = table;
        this.dialect = dialect;
        this.open = open;
    }

    /** The horizon of {@code table} on the database behind {@code jdbi}; its rows' ids are in {@code id}. */
    public static Horizon of(Jdbi jdbi, String table) {
        Config config = jdbi.getConfig(Config.class);
        return new Horizon(table, config.dialect, config.open);
    }

    /**
     * Takes a fence, then gives the condition that keeps a read on the same handle to final
     * rows. Outside a transaction only: a fence's transaction id must be newer than its row id.
     */
    public Bound bound(Handle h) {
        if (h.isInTransaction()) {
            return current();
        }
        return dialect == Dialect.POSTGRESQL ? fencePostgres(h) : fenceH2(h);
    }

    /** True when committed rows wait for older transactions, as far as the last fences tell. */
    public synchronized boolean heldBack() {
        return !pending.isEmpty();
    }

    private Bound fencePostgres(Handle h) {
        long known = newestFenced();
        // The newest id first, the transaction id after it (OFFSET 0 keeps the two steps apart);
        // xmin is from the statement's start, which settles older fences.
        long[] row = h.createQuery("SELECT m, CASE WHEN m > :known THEN CAST(pg_current_xact_id() AS TEXT) END AS b, "
                        + "CAST(pg_snapshot_xmin(pg_current_snapshot()) AS TEXT) AS x "
                        + "FROM (SELECT COALESCE(MAX(id), 0) AS m FROM " + table + " OFFSET 0) f")
                .bind("known", known)
                .map((rs, ctx) -> new long[] {rs.getLong("m"),
                        rs.getString("b") == null ? -1 : Long.parseLong(rs.getString("b")),
                        Long.parseLong(rs.getString("x"))})
                .one();
        synchronized (this) {
            if (row[1] >= 0) {
                add(new Fence(row[0], row[1]));
            }
            settle(row[2]);
            return current();
        }
    }

    private Bound fenceH2(Handle h) {
        long known = newestFenced();
        long newest = h.createQuery("SELECT COALESCE(MAX(id), 0) FROM " + table).mapTo(Long.class).one();
        synchronized (this) {
            if (newest > known) {
                add(new Fence(newest, open.next()));
            }
            settle(open.oldest());
            return current();
        }
    }

    private synchronized long newestFenced() {
        long newest = settled;
        for (Fence f : pending) {
            newest = Math.max(newest, f.id());
        }
        return newest;
    }

    private void add(Fence fence) {
        if (pending.size() >= MAX_PENDING) {
            pending.remove(pending.size() - 1);
        }
        pending.add(fence);
    }

    /** Every transaction below {@code oldestRunning} has ended: the fences taken after them are final. */
    private void settle(long oldestRunning) {
        pending.removeIf(f -> {
            if (f.xid() > oldestRunning) {
                return false;
            }
            settled = Math.max(settled, f.id());
            return true;
        });
    }

    private synchronized Bound current() {
        Fence newest = pending.isEmpty() ? null : pending.get(pending.size() - 1);
        return dialect == Dialect.POSTGRESQL && newest != null
                ? new Bound(settled, newest.id(), newest.xid())
                : new Bound(settled, 0, 0);
    }

    /**
     * A read's condition on {@code id}: up to the settled id, or, on PostgreSQL, up to the newest
     * fence when the read's own snapshot shows that every transaction older than it has ended.
     * Both are constants for the statement, so an index on (key, id) still bounds the scan.
     */
    public record Bound(long settled, long fenceId, long fenceXid) {

        public String condition() {
            return fenceXid == 0 ? "id <= :horizon_settled"
                    : "id <= CASE WHEN CAST(CAST(pg_snapshot_xmin(pg_current_snapshot()) AS TEXT) AS BIGINT) "
                            + ">= :horizon_xid THEN :horizon_fence ELSE :horizon_settled END";
        }

        public <S extends SqlStatement<S>> S bind(S statement) {
            statement.bind("horizon_settled", settled);
            if (fenceXid != 0) {
                statement.bind("horizon_xid", fenceXid).bind("horizon_fence", fenceId);
            }
            return statement;
        }
    }

    /** What {@link Database} tells the horizons of its tables: the dialect, and on H2 the open transactions. */
    public static final class Config implements JdbiConfig<Config> {

        private Dialect dialect = Dialect.H2;
        private OpenTransactions open = new OpenTransactions();

        public Config() {
        }

        private Config(Config other) {
            this.dialect = other.dialect;
            this.open = other.open;
        }

        void use(Dialect dialect, OpenTransactions open) {
            this.dialect = dialect;
            this.open = open;
        }

        Dialect dialect() {
            return dialect;
        }

        @Override
        public Config createCopy() {
            return new Config(this);
        }
    }
}
