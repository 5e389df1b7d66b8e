package dev.vectis.billing;

/** One change of a balance: delta, and the balance once it applied. */
public record LedgerEntry(long id, String userId, long delta, long balanceAfter, String op, String reason, String actor,
                          String requestId, String sessionId, long createdAt) {
}
