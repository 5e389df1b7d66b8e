package dev.vectis.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * bcrypt for secrets people or clients choose or keep (passwords, API keys). The input is
 * first reduced with SHA-256, so nothing past bcrypt's 72-byte limit is silently ignored
 * and every byte of a long secret counts.
 */
public final class Passwords {

    private final int cost;

    public Passwords(int cost) {
        if (cost < 4 || cost > 31) {
            throw new IllegalArgumentException("bcrypt cost must be 4-31");
        }
        this.cost = cost;
    }

    public String hash(String secret) {
        return BCrypt.withDefaults().hashToString(cost, reduce(secret));
    }

    /** Constant-time inside bcrypt; false for a null or malformed hash. */
    public boolean matches(String secret, String hash) {
        if (secret == null || hash == null) {
            return false;
        }
        try {
            return BCrypt.verifyer().verify(reduce(secret), hash.toCharArray()).verified;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static char[] reduce(String secret) {
        return Base64.getEncoder().encodeToString(Tokens.sha256(secret.getBytes(StandardCharsets.UTF_8))).toCharArray();
    }
}
