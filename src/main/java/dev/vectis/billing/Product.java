package dev.vectis.billing;

import java.util.List;

/** A VPS product: what it costs, which provisioner it asks workers for, which workers may host it. */
public record Product(String id, String name, String description, long priceCoins, int provisionAction,
                      boolean active, List<String> workerIds, long createdAt, long updatedAt) {
}
