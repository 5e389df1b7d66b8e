package dev.vectis.billing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.db.Columns;
import dev.vectis.error.InvalidInputException;
import dev.vectis.error.NotFoundException;
import dev.vectis.sessions.ProvisionRules;
import dev.vectis.workers.MarketplaceWorkers;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** VPS products and the workers each may be placed on. */
public final class Products {

    /**
     * Fields to change; null leaves a field as it is. {@code rules} holds the log rules to set;
     * {@code reset} names rule fields to return to the configured defaults.
     */
    public record Changes(String name, String description, Long priceCoins, Integer provisionAction, Boolean active,
                          List<String> workerIds, ProvisionRules rules, Set<String> reset) {

        public Changes {
            rules = rules == null ? ProvisionRules.INHERIT : rules;
            reset = reset == null ? Set.of() : Set.copyOf(reset);
        }
    }

    /** More hosts than any product needs; each id is looked up, so the list is bounded before it is read. */
    public static final int MAX_WORKERS = 100;

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private final Jdbi jdbi;
    private final Clock clock;
    private final MarketplaceWorkers workers;
    /** The rules of a product that sets none of its own: marketplace.* in the configuration. */
    private final ProvisionRules defaults;
    private final ObjectMapper mapper = new ObjectMapper();

    public Products(Jdbi jdbi, Clock clock, MarketplaceWorkers workers, ProvisionRules defaults) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.workers = workers;
        this.defaults = defaults;
    }

    public Product create(Changes c) {
        if (c.name() == null || c.name().isBlank()) {
            throw new InvalidInputException("name", "name is required");
        }
        if (c.priceCoins() == null) {
            throw new InvalidInputException("price_coins", "price_coins is required");
        }
        if (c.provisionAction() == null) {
            throw new InvalidInputException("provision_action", "provision_action is required (1=Linux, 2=Windows, 3=Test)");
        }
        validate(c);
        String id = UUID.randomUUID().toString();
        long now = clock.millis();
        jdbi.useTransaction(h -> {
            h.createUpdate("INSERT INTO vps_products (id, name, description, price_coins, provision_action, is_active, "
                            + "created_at, updated_at) VALUES (:id, :name, :description, :price, :action, :active, :now, :now)")
                    .bind("id", id).bind("name", c.name().trim()).bind("description", c.description())
                    .bind("price", c.priceCoins()).bind("action", c.provisionAction())
                    .bind("active", c.active() == null || c.active()).bind("now", now).execute();
            setWorkers(h, id, c.workerIds() == null ? List.of() : c.workerIds());
            setRules(h, id, c.rules());
        });
        return get(id);
    }

    public Product update(String id, Changes c) {
        get(id);
        if (c.name() != null && c.name().isBlank()) {
            throw new InvalidInputException("name", "name must not be empty");
        }
        validate(c);
        jdbi.useTransaction(h -> {
            h.createUpdate("UPDATE vps_products SET name = COALESCE(:name, name), "
                            + "description = COALESCE(:description, description), price_coins = COALESCE(:price, price_coins), "
                            + "provision_action = COALESCE(:action, provision_action), "
                            + "is_active = COALESCE(:active, is_active), updated_at = :now WHERE id = :id")
                    .bind("id", id).bind("name", c.name() == null ? null : c.name().trim())
                    .bind("description", c.description()).bind("price", c.priceCoins())
                    .bind("action", c.provisionAction()).bind("active", c.active()).bind("now", clock.millis()).execute();
            if (c.workerIds() != null) {
                setWorkers(h, id, c.workerIds());
            }
            if (!c.rules().equals(ProvisionRules.INHERIT) || !c.reset().isEmpty()) {
                ProvisionRules own = h.createQuery("SELECT * FROM vps_products WHERE id = :id FOR UPDATE")
                        .bind("id", id).map((rs, ctx) -> ownRules(rs)).one();
                setRules(h, id, own.with(c.rules(), c.reset()));
            }
        });
        return get(id);
    }

    /** Retires a product: it is no longer sold; sessions bought earlier are unaffected. */
    public Product deactivate(String id) {
        return update(id, new Changes(null, null, null, null, false, null, null, null));
    }

    public Product get(String id) {
        return find(id).orElseThrow(() -> new NotFoundException("PRODUCT_NOT_FOUND", "Product not found"));
    }

    public Optional<Product> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM vps_products WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> row(h, rs)).findOne());
    }

    public List<Product> list(boolean activeOnly) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM vps_products"
                        + (activeOnly ? " WHERE is_active = TRUE" : "") + " ORDER BY created_at, id")
                .map((rs, ctx) -> row(h, rs)).list());
    }

    private void validate(Changes c) {
        InvalidInputException.maxLength(c.name(), "name", 200);
        InvalidInputException.maxLength(c.description(), "description", 2000);
        if (c.priceCoins() != null && (c.priceCoins() < 0 || c.priceCoins() > Ledger.MAX_AMOUNT)) {
            throw new InvalidInputException("price_coins", "price_coins must be from 0 to " + Ledger.MAX_AMOUNT);
        }
        if (c.provisionAction() != null && (c.provisionAction() < 1 || c.provisionAction() > 3)) {
            throw new InvalidInputException("provision_action", "provision_action must be 1 (Linux), 2 (Windows) or 3 (Test)");
        }
        if (c.workerIds() != null) {
            if (c.workerIds().size() > MAX_WORKERS) {
                throw new InvalidInputException("worker_ids", "worker_ids may list at most " + MAX_WORKERS
                        + " workers; this one lists " + c.workerIds().size());
            }
            for (int i = 0; i < c.workerIds().size(); i++) {
                if (c.workerIds().get(i) == null || c.workerIds().get(i).isBlank()) {
                    throw new InvalidInputException("worker_ids[" + i + "]", "worker ids must not be empty");
                }
            }
            List<String> missing = workers.missing(c.workerIds());
            if (!missing.isEmpty()) {
                throw new InvalidInputException("worker_ids", "Unknown worker id(s): " + String.join(", ", missing));
            }
            List<String> unreachable = workers.withoutBaseUrl(c.workerIds());
            if (!unreachable.isEmpty()) {
                throw new InvalidInputException("worker_ids", "Worker(s) " + String.join(", ", unreachable)
                        + " have no base_url, so they cannot host VMs; give them one with PATCH /admin/workers/{id}");
            }
        }
        c.rules().validated();
    }

    private void setRules(Handle h, String productId, ProvisionRules r) {
        h.createUpdate("UPDATE vps_products SET ready_patterns = :ready, failure_patterns = :failure, "
                        + "redact_patterns = :redact, on_provision_timeout = :onTimeout, "
                        + "provision_timeout_seconds = :timeout WHERE id = :id")
                .bind("id", productId).bind("ready", json(r.readyPatterns())).bind("failure", json(r.failurePatterns()))
                .bind("redact", json(r.redactPatterns())).bind("onTimeout", r.onTimeout())
                .bind("timeout", r.timeoutSeconds()).execute();
    }

    private String json(List<String> patterns) {
        try {
            return patterns == null ? null : mapper.writeValueAsString(patterns);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> patterns(String json) {
        try {
            return json == null ? null : mapper.readValue(json, STRINGS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("vps_products holds a pattern list that is not JSON", e);
        }
    }

    /** The product's own rules as stored: null fields follow the defaults. */
    private ProvisionRules ownRules(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new ProvisionRules(patterns(rs.getString("ready_patterns")), patterns(rs.getString("failure_patterns")),
                patterns(rs.getString("redact_patterns")), rs.getString("on_provision_timeout"),
                Columns.intOrNull(rs, "provision_timeout_seconds"));
    }

    private static void setWorkers(Handle h, String productId, List<String> workerIds) {
        h.createUpdate("DELETE FROM vps_product_workers WHERE product_id = :p").bind("p", productId).execute();
        for (String w : new LinkedHashSet<>(workerIds)) {
            h.createUpdate("INSERT INTO vps_product_workers (product_id, worker_id) VALUES (:p, :w)")
                    .bind("p", productId).bind("w", w).execute();
        }
    }

    private Product row(Handle h, java.sql.ResultSet rs) throws java.sql.SQLException {
        String id = rs.getString("id");
        List<String> hosts = new ArrayList<>(h.createQuery("SELECT worker_id FROM vps_product_workers "
                + "WHERE product_id = :p ORDER BY worker_id").bind("p", id).mapTo(String.class).list());
        ProvisionRules own = ownRules(rs);
        return new Product(id, rs.getString("name"), rs.getString("description"), rs.getLong("price_coins"),
                rs.getInt("provision_action"), rs.getBoolean("is_active"), hosts, rs.getLong("created_at"),
                rs.getLong("updated_at"), own.over(defaults), own.unset());
    }
}
