package dev.vectis.sessions;

/** A purchased VPS session. Never shown to users with its worker's address. */
public record VpsSession(String id, String userId, String productId, String productName, String workerId,
                         String status, String route, long priceCoins, boolean holdsSlot, String error,
                         long createdAt, long updatedAt, Watch watch, Stop stop, Request request) {

    /**
     * What watching the worker's log found: when the VM was requested, how many log lines
     * the worker has written, which rule decided the current status, and when the session was
     * kept for an operator because nothing decided in time (null: it was not).
     */
    public record Watch(Long requestedAt, int logLines, Long logChangedAt, String statusReason, Long flaggedAt) {
    }

    /** Retries of a stop the worker has not confirmed: how many failed, the last error, when the next is due. */
    public record Stop(int attempts, String lastError, Long nextAt) {
    }

    /**
     * The request for the VM: when its intent was committed, just before the worker was asked
     * (null: never asked), and since when its outcome is unknown (null: it is known).
     */
    public record Request(Long sentAt, Long doubtSince) {
    }

    /** The session as it is once the worker's log has this many lines. */
    VpsSession withLogLines(int lines, long at) {
        return new VpsSession(id, userId, productId, productName, workerId, status, route, priceCoins, holdsSlot, error,
                createdAt, updatedAt, new Watch(watch.requestedAt(), lines, at, watch.statusReason(), watch.flaggedAt()),
                stop, request);
    }

    public boolean live() {
        return status.equals("pending") || status.equals("provisioning") || status.equals("ready");
    }

    /**
     * Waiting for an operator: kept past the provisioning timeout (the log may still decide), or
     * in doubt on a worker that cannot say whether it made the VM.
     */
    public boolean flagged() {
        return (status.equals("provisioning") || status.equals("pending")) && watch.flaggedAt() != null;
    }

    /** Paid for and asked of the worker, but whether the worker made the VM is not known yet. */
    public boolean inDoubt() {
        return status.equals("pending") && request.doubtSince() != null;
    }
}
