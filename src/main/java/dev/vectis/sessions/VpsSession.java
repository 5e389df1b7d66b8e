package dev.vectis.sessions;

/** A purchased VPS session. Never shown to users with its worker's address. */
public record VpsSession(String id, String userId, String productId, String productName, String workerId,
                         String status, String route, long priceCoins, boolean holdsSlot, String error,
                         long createdAt, long updatedAt) {

    public boolean live() {
        return status.equals("pending") || status.equals("provisioning") || status.equals("ready");
    }
}
