package dev.vectis.audit;

import dev.vectis.auth.Principal;
import dev.vectis.db.Page;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatement;

/** The audit log: written once per operator action, read newest first. */
public final class AuditLog {

    static final int MAX_ACTION = 300;
    static final int MAX_TARGET = 500;

    /** What to write; the time is the log's own. */
    public record Entry(Principal actor, String action, String target, String requestId, int status) {
    }

    /** Null fields match everything. {@code actor}: a token id or name; action and target match as prefixes. */
    public record Filter(String actor, String action, String target) {
    }

    private final Jdbi jdbi;
    private final Clock clock;

    public AuditLog(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /**
     * The statement that writes one entry, for a caller that writes its change in the same
     * statement (PostgreSQL's data-modifying WITH); bound by {@link #bind}.
     */
    public static final String INSERT = "INSERT INTO audit_log (at, actor_id, actor_name, actor_role, action, target, "
            + "request_id, status, outcome) VALUES (:auAt, :auActorId, :auActorName, :auRole, :auAction, :auTarget, "
            + ":auRequestId, :auStatus, :auOutcome)";

    /** Writes the entry in the caller's transaction, so it stands or falls with the change it records. */
    public void append(Handle h, Entry e) {
        bind(h.createUpdate(INSERT), e).execute();
    }

    /** Binds {@link #INSERT}'s parameters for {@code e} on a statement that contains it. */
    public <S extends SqlStatement<S>> S bind(S statement, Entry e) {
        return statement.bind("auAt", clock.millis())
                .bind("auActorId", e.actor().id()).bind("auActorName", clip(e.actor().name(), 100))
                .bind("auRole", e.actor().role().wire())
                .bind("auAction", clip(e.action(), MAX_ACTION)).bind("auTarget", clip(e.target(), MAX_TARGET))
                .bind("auRequestId", e.requestId()).bind("auStatus", e.status()).bind("auOutcome", outcome(e.status()));
    }

    public void append(Entry e) {
        jdbi.useHandle(h -> append(h, e));
    }

    /** A page of entries and where the next starts (null at the end). Not counted: the log only grows. */
    public record Entries(List<AuditEntry> items, String nextCursor) {
    }

    /** Newest first; the cursor is the last entry's id from the previous page. */
    public Entries page(Filter f, String cursor, int limit) {
        Long before = Page.numericCursor(cursor, "nextCursor");
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        if (f.actor() != null) {
            where.append(" AND (actor_id = :actor OR actor_name = :actor)");
        }
        if (f.action() != null) {
            where.append(" AND action LIKE :action ESCAPE '!'");
        }
        if (f.target() != null) {
            where.append(" AND target LIKE :target ESCAPE '!'");
        }
        return jdbi.withHandle(h -> {
            Query q = h.createQuery("SELECT id, at, actor_id, actor_name, actor_role, action, target, request_id, "
                    + "status, outcome FROM audit_log" + where + (before == null ? "" : " AND id < :before")
                    + " ORDER BY id DESC LIMIT :limit");
            bind(q, f);
            if (before != null) {
                q.bind("before", before);
            }
            List<AuditEntry> items = new ArrayList<>(q.bind("limit", Page.probe(limit)).map(ConstructorMapper.of(AuditEntry.class)).list());
            Page.Window<AuditEntry> page = Page.window(items, limit, e -> Long.toString(e.id()));
            return new Entries(page.items(), page.nextCursor());
        });
    }

    private static void bind(Query q, Filter f) {
        if (f.actor() != null) {
            q.bind("actor", f.actor());
        }
        if (f.action() != null) {
            q.bind("action", prefix(f.action()));
        }
        if (f.target() != null) {
            q.bind("target", prefix(f.target()));
        }
    }

    /** A LIKE pattern matching values that start with {@code text}, taken literally. */
    static String prefix(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    }

    /** What a status says about the action: done, refused for want of a role, refused for its input, or failed. */
    public static String outcome(int status) {
        if (status < 400) {
            return "success";
        }
        if (status == 401 || status == 403) {
            return "denied";
        }
        return status < 500 ? "rejected" : "error";
    }

    private static String clip(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
