package dev.vectis.api.operator;

import dev.vectis.audit.AuditEntry;
import dev.vectis.audit.AuditLog;
import dev.vectis.auth.Credentials;
import dev.vectis.auth.NamedToken;
import dev.vectis.auth.NamedTokens;
import dev.vectis.auth.Permission;
import dev.vectis.auth.Principal;
import dev.vectis.db.Page;
import dev.vectis.error.InvalidInputException;
import dev.vectis.error.NotFoundException;
import dev.vectis.http.AuditTrail;
import dev.vectis.http.Callers;
import dev.vectis.http.ContractApi;
import dev.vectis.http.ErrorShape;
import dev.vectis.http.JsonBody;
import dev.vectis.http.PathPrefix;
import dev.vectis.http.QueryParams;
import dev.vectis.http.SuccessEnvelope;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Who may do what, and who did: named tokens ({@code /api/v1/tokens}, admin only) and the
 * audit log ({@code /api/v1/audit}, admin and operator). Answers and errors are in the shape of
 * the other operator endpoints under /api/v1 (session-worker-gateway.md's envelope). This is also
 * where the audit trail's after-handler is installed, for every route of every contract
 * ({@link AuditTrail}). See docs/tokens.md.
 */
public final class AccessApi implements ContractApi {

    record NewToken(String name, String role, String expiresAt) {
    }

    static final int MAX_FILTER = 300;
    private static final PathPrefix[] PATHS = {new PathPrefix("/api/v1/tokens"), new PathPrefix("/api/v1/audit")};

    private final Callers callers;
    private final JsonBody json;
    private final NamedTokens tokens;
    private final AuditLog audit;
    private final Clock clock;

    public AccessApi(Callers callers, JsonBody json, NamedTokens tokens, AuditLog audit, Clock clock) {
        this.callers = callers;
        this.json = json;
        this.tokens = tokens;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public boolean owns(String path) {
        return PathPrefix.any(path, PATHS);
    }

    @Override
    public ErrorShape errorShape() {
        return SuccessEnvelope::error;
    }

    @Override
    public void routes(RoutesConfig routes) {
        routes.post("/api/v1/tokens", this::create);
        routes.get("/api/v1/tokens", this::list);
        routes.get("/api/v1/tokens/{tokenId}", this::show);
        routes.delete("/api/v1/tokens/{tokenId}", this::revoke);
        routes.get("/api/v1/audit", this::auditLog);
        routes.after(new AuditTrail(audit)::after);
    }

    /** The token's secret is in this answer and nowhere else, ever. */
    private void create(Context ctx) {
        Principal caller = callers.require(ctx, Permission.MANAGE);
        NewToken b = json.read(ctx, NewToken.class);
        Credentials.Role role = b.role() == null ? null : Credentials.Role.parse(b.role()).orElseThrow(() ->
                new InvalidInputException("role", "role must be admin, operator, viewer, submitter or worker"));
        if (role == null) {
            throw new InvalidInputException("role", "role is required: admin, operator, viewer, submitter or worker");
        }
        NamedTokens.Issued issued = tokens.create(b.name(), role, expiresAt(b.expiresAt()), caller.id(),
                (h, t) -> audit.append(h, AuditTrail.entry(ctx, target(t.id()), 201)));
        AuditTrail.written(ctx);
        ctx.status(201).json(SuccessEnvelope.ok(new AccessViews.IssuedToken(view(issued.token()), issued.secret())));
    }

    private void list(Context ctx) {
        callers.require(ctx, Permission.MANAGE);
        Page<NamedToken> page = tokens.list(QueryParams.text(ctx, "cursor"),
                QueryParams.integer(ctx, "limit", 100, 1, 1000));
        ctx.json(SuccessEnvelope.ok(new AccessViews.TokenPage(page.items().stream().map(this::view).toList(), page.total(),
                page.nextCursor())));
    }

    private void show(Context ctx) {
        callers.require(ctx, Permission.MANAGE);
        ctx.json(SuccessEnvelope.ok(view(tokens.get(ctx.pathParam("tokenId")).orElseThrow(() ->
                new NotFoundException("TOKEN_NOT_FOUND", "Token not found")))));
    }

    private void revoke(Context ctx) {
        callers.require(ctx, Permission.MANAGE);
        String id = ctx.pathParam("tokenId");
        NamedToken revoked = tokens.revoke(id, (h, t) -> audit.append(h, AuditTrail.entry(ctx, target(id), 200)));
        AuditTrail.written(ctx);
        ctx.json(SuccessEnvelope.ok(view(revoked)));
    }

    private void auditLog(Context ctx) {
        callers.require(ctx, Permission.READ);
        AuditLog.Filter filter = new AuditLog.Filter(filter(ctx, "actor"), filter(ctx, "action"),
                filter(ctx, "target"));
        AuditLog.Entries page = audit.page(filter, QueryParams.text(ctx, "cursor"),
                QueryParams.integer(ctx, "limit", 100, 1, 1000));
        ctx.json(SuccessEnvelope.ok(new AccessViews.AuditPage(page.items().stream().map(AccessApi::entry).toList(),
                page.nextCursor())));
    }

    static String target(String tokenId) {
        return "token:" + tokenId;
    }

    private static String filter(Context ctx, String name) {
        String value = QueryParams.text(ctx, name);
        InvalidInputException.maxLength(value, name, MAX_FILTER);
        return value;
    }

    private static Long expiresAt(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(raw.trim()).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new InvalidInputException("expiresAt", "expiresAt must be an RFC 3339 time, e.g. 2030-01-31T00:00:00Z");
        }
    }

    private AccessViews.TokenView view(NamedToken t) {
        String state = t.revokedAt() != null ? "revoked"
                : t.expiresAt() != null && t.expiresAt() <= clock.millis() ? "expired" : "active";
        return new AccessViews.TokenView(t.id(), t.name(), t.role().wire(), state, time(t.createdAt()),
                t.createdBy(), time(t.lastUsedAt()), time(t.expiresAt()), time(t.revokedAt()));
    }

    private static AccessViews.AuditView entry(AuditEntry e) {
        return new AccessViews.AuditView(e.id(), time(e.at()), e.actorId(), e.actorName(), e.actorRole(), e.action(),
                e.target(), e.requestId(), e.status(), e.outcome());
    }

    private static String time(Long epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis).toString();
    }
}
