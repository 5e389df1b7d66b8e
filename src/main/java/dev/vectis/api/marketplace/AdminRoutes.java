package dev.vectis.api.marketplace;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.auth.Permission;
import dev.vectis.auth.Principal;
import dev.vectis.billing.IdempotencyKeys;
import dev.vectis.billing.Ledger;
import dev.vectis.billing.LedgerEntry;
import dev.vectis.billing.Products;
import dev.vectis.billing.User;
import dev.vectis.billing.Users;
import dev.vectis.db.Page;
import dev.vectis.error.InvalidInputException;
import dev.vectis.http.JsonBody;
import dev.vectis.http.QueryParams;
import dev.vectis.http.RequestIds;
import dev.vectis.sessions.ProvisionRules;
import dev.vectis.sessions.VpsSessions;
import dev.vectis.workers.MarketplaceWorkers;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.HashSet;
import java.util.List;
import java.util.function.Function;
import java.util.Set;

/** /admin/**: users, their coins and ledgers, marketplace workers and VPS products. Reads need the admin or operator role, disabling a worker too; every other change needs admin. */
final class AdminRoutes {

    record NewUser(String email, String name, String password, Long coins) {
    }

    record CoinsBody(String op, Long amount, String reason) {
    }

    record WorkerBody(String name, String base_url, Integer max_sessions, String status) {
    }

    /** The spec's product fields, then how its VMs' logs are read (null or absent: the configured default). */
    record ProductBody(String name, String description, Long price_coins, Integer provision_action, Boolean is_active,
                       List<String> worker_ids, List<String> ready_patterns, List<String> failure_patterns,
                       List<String> redact_patterns, String on_provision_timeout, Integer provision_timeout_seconds) {
    }

    record Token(String token) {
    }

    /** PATCH /admin/users/{id}/coins: the balance after the change, and the ledger entry it wrote. */
    record CoinsAnswer(@JsonProperty("user_id") String userId, long coins, MarketViews.EntryView entry) {
    }

    private final Access access;
    private final JsonBody json;
    private final ObjectMapper mapper;
    private final Idempotency idempotency;
    private final Users users;
    private final Ledger ledger;
    private final MarketplaceWorkers workers;
    /** This node's view of each worker's breaker and VM list, shown with the worker. */
    private final Function<String, VpsSessions.WorkerHealth> health;
    private final Products products;

    AdminRoutes(Access access, JsonBody json, ObjectMapper mapper, Users users, Ledger ledger, MarketplaceWorkers workers,
                Products products, Function<String, VpsSessions.WorkerHealth> health) {
        this.health = health;
        this.access = access;
        this.json = json;
        this.mapper = mapper;
        this.idempotency = new Idempotency(mapper);
        this.users = users;
        this.ledger = ledger;
        this.workers = workers;
        this.products = products;
    }

    void register(RoutesConfig r) {
        r.post("/admin/users", this::createUser);
        r.get("/admin/users", this::listUsers);
        r.get("/admin/users/{userId}", ctx -> {
            access.require(ctx, Permission.READ);
            ctx.json(MarketViews.user(users.get(ctx.pathParam("userId"))));
        });
        r.post("/admin/users/{userId}/tokens", ctx -> {
            access.admin(ctx);
            ctx.status(201).json(new Token(users.newToken(ctx.pathParam("userId"))));
        });
        r.delete("/admin/users/{userId}/tokens", ctx -> {
            access.admin(ctx);
            String userId = ctx.pathParam("userId");
            ctx.json(new MarketViews.RevokedTokens(userId, users.revokeAll(userId)));
        });
        r.patch("/admin/users/{userId}/coins", this::coins);
        r.get("/admin/users/{userId}/ledger", ctx -> {
            access.require(ctx, Permission.READ);
            ctx.json(ledgerPage(ledger, ctx, ctx.pathParam("userId")));
        });
        r.post("/admin/workers/register", this::registerWorker);
        r.get("/admin/workers", ctx -> {
            access.require(ctx, Permission.READ);
            ctx.json(workers.list().stream().map(this::worker).toList());
        });
        r.patch("/admin/workers/{workerId}", this::updateWorker);
        r.post("/admin/workers/{workerId}/disable", ctx -> {
            access.require(ctx, Permission.OPERATE);
            ctx.json(worker(workers.disable(ctx.pathParam("workerId"))));
        });
        r.post("/admin/vps-products", this::createProduct);
        r.get("/admin/vps-products", ctx -> {
            access.require(ctx, Permission.READ);
            ctx.json(products.list(false).stream().map(MarketViews::adminProduct).toList());
        });
        r.patch("/admin/vps-products/{productId}", this::updateProduct);
        r.delete("/admin/vps-products/{productId}", ctx -> {
            access.admin(ctx);
            ctx.json(MarketViews.adminProduct(products.deactivate(ctx.pathParam("productId"))));
        });
    }

    private void createUser(Context ctx) {
        Principal admin = access.admin(ctx);
        NewUser b = json.read(ctx, NewUser.class);
        Users.Created created = users.create(b.email(), b.name(), b.password(), b.coins() == null ? 0 : b.coins(),
                admin.subject(), RequestIds.of(ctx));
        ctx.status(201).json(MarketViews.newUser(created.user(), created.token()));
    }

    private void listUsers(Context ctx) {
        access.require(ctx, Permission.READ);
        Page<User> page = users.list(QueryParams.text(ctx, "cursor"), QueryParams.integer(ctx, "limit", 50, 1, 500));
        ctx.json(new MarketViews.UserPage(page.items().stream().map(MarketViews::user).toList(), page.total(),
                page.nextCursor()));
    }

    /** With an Idempotency-Key, made once: the purchase's rules (replay, 422 for another body, 409 while running). */
    private void coins(Context ctx) throws JsonProcessingException {
        String actor = access.admin(ctx).subject();
        String userId = ctx.pathParam("userId");
        String key = Idempotency.key(ctx, false);
        JsonNode tree = json.tree(ctx);
        CoinsBody b = mapper.treeToValue(tree, CoinsBody.class);
        if (b.op() == null || !List.of("add", "sub", "set").contains(b.op())) {
            throw new InvalidInputException("op", "op must be \"add\", \"sub\" or \"set\"");
        }
        if (b.amount() == null) {
            throw new InvalidInputException("amount", "amount is required");
        }
        InvalidInputException.maxLength(b.reason(), "reason", 500);
        IdempotencyKeys.Answer answer = key == null
                ? new IdempotencyKeys.Answer(200, coinsAnswer(userId, ledger.adjust(userId, b.op(), b.amount(),
                        b.reason(), actor, RequestIds.of(ctx))))
                : ledger.adjustOnce(key, idempotency.hash(tree), userId, b.op(), b.amount(), b.reason(), actor,
                        RequestIds.of(ctx), change -> coinsAnswer(userId, change));
        ctx.status(answer.status()).contentType("application/json").result(answer.body());
    }

    private String coinsAnswer(String userId, Ledger.Change change) {
        try {
            return mapper.writeValueAsString(new CoinsAnswer(userId, change.balance(),
                    MarketViews.entry(change.entry())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static MarketViews.LedgerPage ledgerPage(Ledger ledger, Context ctx, String userId) {
        String cursor = QueryParams.text(ctx, "cursor");
        Page<LedgerEntry> page = ledger.entries(userId, Page.numericCursor(cursor, "next_cursor"), QueryParams.integer(ctx, "limit", 50, 1, 500));
        return new MarketViews.LedgerPage(page.items().stream().map(MarketViews::entry).toList(), page.total(),
                page.nextCursor());
    }

    private void registerWorker(Context ctx) {
        access.admin(ctx);
        WorkerBody b = json.read(ctx, WorkerBody.class);
        ctx.status(201).json(worker(workers.register(b.name(), b.base_url(), b.max_sessions())));
    }

    private void updateWorker(Context ctx) {
        access.admin(ctx);
        WorkerBody b = json.read(ctx, WorkerBody.class);
        ctx.json(worker(workers.update(ctx.pathParam("workerId"), b.name(), b.base_url(), b.status(),
                b.max_sessions())));
    }

    private void createProduct(Context ctx) {
        access.admin(ctx);
        ProductBody b = json.read(ctx, ProductBody.class);
        ctx.status(201).json(MarketViews.adminProduct(products.create(changes(b, Set.of()))));
    }

    /** A rule field sent as null goes back to the configured default; one left out stays as it is. */
    private void updateProduct(Context ctx) {
        access.admin(ctx);
        ProductBody b = json.read(ctx, ProductBody.class);
        JsonNode tree = json.tree(ctx);
        Set<String> reset = new HashSet<>();
        for (String field : ProvisionRules.FIELDS) {
            if (tree.has(field) && tree.get(field).isNull()) {
                reset.add(field);
            }
        }
        ctx.json(MarketViews.adminProduct(products.update(ctx.pathParam("productId"), changes(b, reset))));
    }

    private static Products.Changes changes(ProductBody b, Set<String> reset) {
        return new Products.Changes(b.name(), b.description(), b.price_coins(), b.provision_action(), b.is_active(),
                b.worker_ids(), new ProvisionRules(b.ready_patterns(), b.failure_patterns(), b.redact_patterns(),
                        b.on_provision_timeout(), b.provision_timeout_seconds()), reset);
    }

    private WorkerView worker(MarketplaceWorkers.View w) {
        return WorkerView.of(w, health.apply(w.id()));
    }
}
