package dev.vectis.api.operator;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;

/** The bodies of docs/tokens.md: named tokens and the audit log. Times are RFC 3339 text, null until they happen. */
final class AccessViews {

    private AccessViews() {
    }

    record TokenView(String id, String name, String role, String state, String createdAt, String createdBy,
                     String lastUsedAt, String expiresAt, String revokedAt) {
    }

    /** The answer to a token's creation: the view, then the secret, which no other answer carries. */
    record IssuedToken(@JsonUnwrapped TokenView view, String token) {
    }

    record TokenPage(List<TokenView> tokens, long count, String nextCursor) {
    }

    record AuditView(long id, String at, String actorId, String actorName, String actorRole, String action,
                     String target, String requestId, int status, String outcome) {
    }

    record AuditPage(List<AuditView> entries, String nextCursor) {
    }
}
