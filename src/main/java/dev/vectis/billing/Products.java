package dev.vectis.billing;

import dev.vectis.error.InvalidInputException;
import dev.vectis.error.NotFoundException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** VPS products and the workers each may be placed on. */
public final class Products {

    /** Fields to change; null leaves a field as it is. */
    public record Changes(String name, String description, Long priceCoins, Integer provisionAction, Boolean active,
                          List<String> workerIds) {
    }

    private final Jdbi jdbi;
    private final Clock clock;
    /** Names the ids among the given ones that are not workers. */
    private final Function<List<String>, List<String>> missingWorkers;

    public Products(Jdbi jdbi, Clock clock, Function<List<String>, List<String>> missingWorkers) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.missingWorkers = missingWorkers;
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
        });
        return get(id);
    }

    /** Retires a product: it is no longer sold; sessions bought earlier are unaffected. */
    public Product deactivate(String id) {
        return update(id, new Changes(null, null, null, null, false, null));
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
            for (int i = 0; i < c.workerIds().size(); i++) {
                if (c.workerIds().get(i) == null || c.workerIds().get(i).isBlank()) {
                    throw new InvalidInputException("worker_ids[" + i + "]", "worker ids must not be empty");
                }
            }
            List<String> missing = missingWorkers.apply(c.workerIds());
            if (!missing.isEmpty()) {
                throw new InvalidInputException("worker_ids", "Unknown worker id(s): " + String.join(", ", missing));
            }
        }
    }

    private static void setWorkers(Handle h, String productId, List<String> workerIds) {
        h.createUpdate("DELETE FROM vps_product_workers WHERE product_id = :p").bind("p", productId).execute();
        for (String w : new LinkedHashSet<>(workerIds)) {
            h.createUpdate("INSERT INTO vps_product_workers (product_id, worker_id) VALUES (:p, :w)")
                    .bind("p", productId).bind("w", w).execute();
        }
    }

    private static Product row(Handle h, java.sql.ResultSet rs) throws java.sql.SQLException {
        String id = rs.getString("id");
        List<String> workers = new ArrayList<>(h.createQuery("SELECT worker_id FROM vps_product_workers "
                + "WHERE product_id = :p ORDER BY worker_id").bind("p", id).mapTo(String.class).list());
        return new Product(id, rs.getString("name"), rs.getString("description"), rs.getLong("price_coins"),
                rs.getInt("provision_action"), rs.getBoolean("is_active"), workers, rs.getLong("created_at"),
                rs.getLong("updated_at"));
    }
}
