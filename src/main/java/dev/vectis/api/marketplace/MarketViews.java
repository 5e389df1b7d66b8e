package dev.vectis.api.marketplace;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.vectis.billing.LedgerEntry;
import dev.vectis.billing.Product;
import dev.vectis.billing.User;
import dev.vectis.sessions.ProvisionRules;
import java.time.Instant;
import java.util.List;

/** The marketplace's JSON: snake_case, RFC 3339 times, and never a worker's address in a user's view. */
final class MarketViews {

    private MarketViews() {
    }

    record UserView(String id, String email, String name, long coins, @JsonProperty("created_at") String createdAt) {
    }

    /** POST /admin/users: the user, then the first API token, shown only this once. */
    record NewUserView(String id, String email, String name, long coins, @JsonProperty("created_at") String createdAt,
                       String token) {
    }

    record UserPage(List<UserView> users, long count, @JsonProperty("next_cursor") String nextCursor) {
    }

    record EntryView(long id, @JsonProperty("user_id") String userId, long delta,
                     @JsonProperty("balance_after") long balanceAfter, String op, String reason, String actor,
                     @JsonProperty("request_id") String requestId, @JsonProperty("session_id") String sessionId,
                     @JsonProperty("created_at") String createdAt) {
    }

    /** DELETE /me/tokens and /admin/users/{id}/tokens: how many of the user's API tokens were revoked. */
    record RevokedTokens(@JsonProperty("user_id") String userId,
                         @JsonProperty("revoked_api_tokens") int revokedApiTokens) {
    }

    record LedgerPage(List<EntryView> entries, long count, @JsonProperty("next_cursor") String nextCursor) {
    }

    /** A product as users see it: no workers, no log rules. */
    record ProductView(String id, String name, String description, @JsonProperty("price_coins") long priceCoins,
                       @JsonProperty("provision_action") int provisionAction,
                       @JsonProperty("is_active") boolean active, @JsonProperty("created_at") String createdAt,
                       @JsonProperty("updated_at") String updatedAt) {
    }

    /** A product as operators see it: which workers host it and how its VMs' logs are read. */
    record AdminProductView(String id, String name, String description,
                            @JsonProperty("price_coins") long priceCoins,
                            @JsonProperty("provision_action") int provisionAction,
                            @JsonProperty("is_active") boolean active,
                            @JsonProperty("worker_ids") List<String> workerIds,
                            @JsonProperty("created_at") String createdAt,
                            @JsonProperty("updated_at") String updatedAt,
                            @JsonProperty("ready_patterns") List<String> readyPatterns,
                            @JsonProperty("failure_patterns") List<String> failurePatterns,
                            @JsonProperty("redact_patterns") List<String> redactPatterns,
                            @JsonProperty("on_provision_timeout") String onProvisionTimeout,
                            @JsonProperty("provision_timeout_seconds") Integer provisionTimeoutSeconds,
                            @JsonProperty("defaults_from_config") List<String> defaultsFromConfig) {
    }

    static String time(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }

    static UserView user(User u) {
        return new UserView(u.id(), u.email(), u.name(), u.coins(), time(u.createdAt()));
    }

    static NewUserView newUser(User u, String token) {
        return new NewUserView(u.id(), u.email(), u.name(), u.coins(), time(u.createdAt()), token);
    }

    static EntryView entry(LedgerEntry e) {
        return new EntryView(e.id(), e.userId(), e.delta(), e.balanceAfter(), e.op(), e.reason(), e.actor(),
                e.requestId(), e.sessionId(), time(e.createdAt()));
    }

    static ProductView product(Product p) {
        return new ProductView(p.id(), p.name(), p.description(), p.priceCoins(), p.provisionAction(), p.active(),
                time(p.createdAt()), time(p.updatedAt()));
    }

    static AdminProductView adminProduct(Product p) {
        ProvisionRules r = p.rules();
        return new AdminProductView(p.id(), p.name(), p.description(), p.priceCoins(), p.provisionAction(),
                p.active(), p.workerIds(), time(p.createdAt()), time(p.updatedAt()), r.readyPatterns(),
                r.failurePatterns(), r.redactPatterns(), r.onTimeout(), r.timeoutSeconds(), p.inherited());
    }
}
