package dev.vectis.api.marketplace;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.auth.Jwt;
import dev.vectis.billing.Ledger;
import dev.vectis.billing.Products;
import dev.vectis.billing.Users;
import dev.vectis.db.Page;
import dev.vectis.error.InvalidInputException;
import dev.vectis.http.JsonBody;
import dev.vectis.http.QueryParams;
import dev.vectis.http.RequestIds;
import dev.vectis.sessions.VpsSession;
import dev.vectis.sessions.VpsSessions;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;

/** What users call: login, their profile and ledger, products, and their VPS sessions. */
final class UserRoutes {

    record Login(String email, String password) {
    }

    record Purchase(String product_id) {
    }

    record LoginAnswer(String token, @JsonProperty("expires_at") String expiresAt) {
    }

    private final Access access;
    private final JsonBody json;
    private final ObjectMapper mapper;
    private final Users users;
    private final Ledger ledger;
    private final Products products;
    private final VpsSessions sessions;
    private final Idempotency idempotency;

    UserRoutes(Access access, JsonBody json, ObjectMapper mapper, Users users, Ledger ledger, Products products,
               VpsSessions sessions) {
        this.access = access;
        this.json = json;
        this.mapper = mapper;
        this.users = users;
        this.ledger = ledger;
        this.products = products;
        this.sessions = sessions;
        this.idempotency = new Idempotency(mapper);
    }

    void register(RoutesConfig r) {
        r.post("/auth/login", this::login);
        r.post("/auth/logout", ctx -> {
            access.user(ctx, false);
            users.revoke(dev.vectis.auth.Credentials.bearer(ctx.header("Authorization")));
            ctx.status(204);
        });
        r.get("/me", ctx -> ctx.json(MarketViews.user(users.get(access.user(ctx, false)))));
        r.delete("/me/tokens", ctx -> {
            String userId = access.user(ctx, false);
            ctx.json(new MarketViews.RevokedTokens(userId, users.revokeAll(userId)));
        });
        r.get("/me/ledger", ctx -> ctx.json(AdminRoutes.ledgerPage(ledger, ctx, access.user(ctx, false))));
        r.get("/vps/products", ctx -> ctx.json(products.list(true).stream()
                .map(MarketViews::product).toList()));
        r.post("/vps/purchase-and-create", this::purchase);
        r.get("/vps/sessions", this::list);
        r.get("/vps/sessions/{sessionId}", ctx -> ctx.json(SessionViews.session(
                sessions.owned(access.user(ctx, false), ctx.pathParam("sessionId")))));
        r.get("/vps/sessions/{sessionId}/log", ctx -> {
            String log = sessions.log(access.user(ctx, false), ctx.pathParam("sessionId"));
            ctx.contentType("text/plain; charset=utf-8").result(log);
        });
        r.delete("/vps/sessions/{sessionId}", ctx -> {
            VpsSession s = sessions.delete(access.user(ctx, false), ctx.pathParam("sessionId"));
            ctx.status(s.status().equals("deleted") ? 200 : 202).json(SessionViews.session(s));
        });
    }

    private void login(Context ctx) {
        Login b = json.read(ctx, Login.class);
        Jwt.Issued issued = users.login(b.email(), b.password());
        ctx.json(new LoginAnswer(issued.token(), issued.expiresAt().toString()));
    }

    private void purchase(Context ctx) throws IOException {
        String userId = access.user(ctx, false);
        String key = Idempotency.key(ctx, true);
        JsonNode tree = json.tree(ctx);
        Purchase b = mapper.treeToValue(tree, Purchase.class);
        if (b.product_id() == null || b.product_id().isBlank()) {
            throw new InvalidInputException("product_id", "product_id is required");
        }
        VpsSessions.Answer answer = sessions.purchase(userId, key, idempotency.hash(tree), b.product_id(),
                RequestIds.of(ctx));
        ctx.status(answer.status()).contentType("application/json").result(answer.body());
    }

    private void list(Context ctx) {
        String userId = access.user(ctx, false);
        Page<VpsSession> page = sessions.list(userId, QueryParams.text(ctx, "cursor"), QueryParams.integer(ctx, "limit", 50, 1, 500));
        ctx.json(new SessionViews.SessionPage<>(page.items().stream().map(SessionViews::session).toList(),
                page.total(), page.nextCursor()));
    }
}
