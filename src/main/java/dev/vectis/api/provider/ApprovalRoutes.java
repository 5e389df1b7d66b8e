package dev.vectis.api.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.auth.Permission;
import dev.vectis.db.Page;
import dev.vectis.error.InvalidInputException;
import dev.vectis.http.Callers;
import dev.vectis.http.QueryParams;
import dev.vectis.http.JsonBody;
import dev.vectis.providers.Provider;
import dev.vectis.providers.ProviderApprovals;
import dev.vectis.providers.ProviderStatus;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.function.BiFunction;

/** The operator's approval routes: list providers (admin or operator role); approve, reject or suspend one (admin). */
final class ApprovalRoutes {

    static final int MAX_REASON = 1000;

    private final ProviderApprovals approvals;
    private final Callers callers;
    private final JsonBody json;

    ApprovalRoutes(ProviderApprovals approvals, Callers callers, JsonBody json) {
        this.approvals = approvals;
        this.callers = callers;
        this.json = json;
    }

    void register(RoutesConfig routes) {
        routes.get("/admin/providers", this::list);
        routes.post("/admin/providers/{id}/approve", ctx -> move(ctx, approvals::approve));
        routes.post("/admin/providers/{id}/reject", ctx -> move(ctx, approvals::reject));
        routes.post("/admin/providers/{id}/suspend", ctx -> move(ctx, approvals::suspend));
    }

    private void list(Context ctx) {
        callers.require(ctx, Permission.READ);
        String statusText = QueryParams.text(ctx, "status");
        ProviderStatus status = statusText == null ? null : ProviderStatus.parse(statusText).orElseThrow(() ->
                new InvalidInputException("status", "status must be one of pending, approved, rejected, suspended"));
        int limit = QueryParams.integer(ctx, "limit", 100, 1, 1000);
        Page<Provider> page = approvals.list(status, QueryParams.text(ctx, "cursor"), limit);
        ctx.json(new ProviderViews.ProviderList(page.items().stream().map(ProviderViews::profile).toList(),
                page.total(), page.nextCursor()));
    }

    private void move(Context ctx, BiFunction<String, String, Provider> change) {
        callers.admin(ctx);
        ctx.json(ProviderViews.profile(change.apply(ctx.pathParam("id"), reason(ctx))));
    }

    /** {"reason": "..."} is optional, and so is the body itself. */
    private String reason(Context ctx) {
        if (ctx.bodyAsBytes().length == 0) {
            return null;
        }
        JsonNode reason = json.read(ctx, JsonNode.class).get("reason");
        if (reason == null || reason.isNull()) {
            return null;
        }
        if (!reason.isTextual()) {
            throw new InvalidInputException("reason", "reason must be a string");
        }
        String text = reason.textValue().trim();
        if (text.length() > MAX_REASON) {
            throw new InvalidInputException("reason", "reason must be at most " + MAX_REASON + " characters");
        }
        return text.isEmpty() ? null : text;
    }


}
