package dev.vectis.api.marketplace;

import dev.vectis.auth.Permission;
import dev.vectis.db.Page;
import dev.vectis.error.InvalidInputException;
import dev.vectis.http.JsonBody;
import dev.vectis.http.QueryParams;
import dev.vectis.sessions.SessionEvents;
import dev.vectis.sessions.VpsSession;
import dev.vectis.sessions.VpsSessions;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;

/**
 * /admin/vps-sessions: every user's sessions for operators, with what watching the log and
 * stopping the VM found (which rule decided, stop attempts, last error, next try), the
 * worker's log, and the decisions a flagged or stuck session waits for.
 */
final class AdminSessionRoutes {

    record Resolve(String action) {
    }

    private static final List<String> STATUSES = List.of("pending", "provisioning", "ready", "failed", "stopping",
            "deleted");

    private final Access access;
    private final JsonBody json;
    private final VpsSessions sessions;

    AdminSessionRoutes(Access access, JsonBody json, VpsSessions sessions) {
        this.access = access;
        this.json = json;
        this.sessions = sessions;
    }

    void register(RoutesConfig r) {
        r.get("/admin/vps-sessions", this::list);
        r.get("/admin/vps-sessions/{sessionId}", ctx -> {
            access.require(ctx, Permission.READ);
            VpsSession s = sessions.get(ctx.pathParam("sessionId"));
            // The owner's stream shows this checklist; an operator reads it here (ours, not the spec's).
            ctx.json(SessionViews.adminSession(s).withChecklist((List<?>) SessionEvents.checklist(s).get("items")));
        });
        r.get("/admin/vps-sessions/{sessionId}/log", ctx -> {
            access.require(ctx, Permission.READ);
            ctx.contentType("text/plain; charset=utf-8").result(sessions.log(ctx.pathParam("sessionId")));
        });
        r.post("/admin/vps-sessions/{sessionId}/resolve", ctx -> {
            access.admin(ctx);
            Resolve b = json.read(ctx, Resolve.class);
            ctx.json(SessionViews.adminSession(sessions.resolve(ctx.pathParam("sessionId"), b.action())));
        });
    }

    private void list(Context ctx) {
        access.require(ctx, Permission.READ);
        String status = QueryParams.text(ctx, "status");
        if (status != null && !STATUSES.contains(status)) {
            throw new InvalidInputException("status", "status must be one of " + String.join(", ", STATUSES));
        }
        String flagged = QueryParams.text(ctx, "flagged");
        if (flagged != null && !flagged.equals("true") && !flagged.equals("false")) {
            throw new InvalidInputException("flagged", "flagged must be true or false");
        }
        String workerId = QueryParams.text(ctx, "workerId");
        if (workerId != null && workerId.length() > 200) {
            throw new InvalidInputException("workerId", "workerId must be at most 200 characters");
        }
        Page<VpsSession> page = sessions.all(status, workerId, "true".equals(flagged), QueryParams.text(ctx, "cursor"),
                QueryParams.integer(ctx, "limit", 50, 1, 500));
        ctx.json(new SessionViews.SessionPage<>(page.items().stream().map(SessionViews::adminSession).toList(),
                page.total(), page.nextCursor()));
    }
}
