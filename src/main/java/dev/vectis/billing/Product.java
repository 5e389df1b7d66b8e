package dev.vectis.billing;

import dev.vectis.sessions.ProvisionRules;
import java.util.List;

/**
 * A VPS product: what it costs, which provisioner it asks workers for, which workers may host
 * it, and how its VMs' logs are read ({@code rules}, with every field in force filled in;
 * {@code inherited} names the fields that follow the configured defaults).
 */
public record Product(String id, String name, String description, long priceCoins, int provisionAction,
                      boolean active, List<String> workerIds, long createdAt, long updatedAt, ProvisionRules rules,
                      List<String> inherited) {
}
