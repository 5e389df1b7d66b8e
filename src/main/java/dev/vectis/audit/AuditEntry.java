package dev.vectis.audit;

/**
 * One state-changing call by an operator, as written: who (actor id, name and role), what
 * (the method and route template), on what (the target), when (epoch milliseconds), under
 * which request id, and how it ended (the HTTP status, and the outcome it stands for).
 */
public record AuditEntry(long id, long at, String actorId, String actorName, String actorRole, String action,
                         String target, String requestId, int status, String outcome) {
}
