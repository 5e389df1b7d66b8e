package dev.vectis.auth;

/**
 * A token an admin issued, as stored: never its secret, only the secret's SHA-256 (which this
 * record does not carry either). Times are epoch milliseconds; null until they happen.
 */
public record NamedToken(String id, String name, Credentials.Role role, long createdAt, String createdBy,
                         Long lastUsedAt, Long expiresAt, Long revokedAt) {

    public Principal principal() {
        return new Principal(id, name, role);
    }
}
