package dev.vectis.sessions;

/** A purchased VPS session. Never shown to users with its worker's address. */
public record VpsSession(String id, String userId, String productId, String productName, String workerId,
                         String status, String route, long priceCoins, boolean holdsSlot, String error,
                         long createdAt, long updatedAt, Watch watch, Stop stop) {

    /**
     * What watching the worker's log found: when the VM was requested, how many log lines
     * the worker has written, which rule decided the current status, and when the session was
     * kept for an operator because nothing decided in time (null: it was not).
     */
    public record Watch(Long requestedAt, int logLines, String statusReason, Long flaggedAt) {
    }

    /** Retries of a stop the worker has not confirmed: how many failed, the last error, when the next is due. */
    public record Stop(int attempts, String lastError, Long nextAt) {
    }

    public boolean live() {
        return status.equals("pending") || status.equals("provisioning") || status.equals("ready");
    }

    /** Kept past the provisioning timeout, waiting for an operator (or for the log to decide after all). */
    public boolean flagged() {
        return status.equals("provisioning") && watch.flaggedAt() != null;
    }
}
