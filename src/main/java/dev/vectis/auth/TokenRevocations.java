package dev.vectis.auth;

import dev.vectis.db.UniqueViolation;
import org.jdbi.v3.core.Handle;

/**
 * How issued JWTs are taken back before they expire. Each account has a token generation,
 * carried in its tokens' {@code gen} claim: moving it on ends every token issued before.
 * A single token (a logout) is remembered by its id until its own expiry, then pruned.
 */
public final class TokenRevocations {

    public static final String GENERATION = "gen";

    private TokenRevocations() {
    }

    /** The generation a token was issued under; tokens from before generations existed are 0. */
    public static int generation(Jwt.Claims claims) {
        return claims.all().get(GENERATION) instanceof Number n ? n.intValue() : 0;
    }

    public static boolean revoked(Handle h, String jti) {
        return h.createQuery("SELECT COUNT(*) FROM revoked_tokens WHERE jti = :jti").bind("jti", jti)
                .mapTo(Integer.class).one() > 0;
    }

    public static void revoke(Handle h, Jwt.Claims claims) {
        if (revoked(h, claims.jti())) {
            return;
        }
        try {
            h.createUpdate("INSERT INTO revoked_tokens (jti, expires_at) VALUES (:jti, :exp)")
                    .bind("jti", claims.jti()).bind("exp", claims.expiresAt().toEpochMilli()).execute();
        } catch (RuntimeException e) {
            if (!UniqueViolation.in(e)) {
                throw e; // else a concurrent logout of the same token got there first
            }
        }
    }

    /** Forgets revocations of tokens that have expired anyway. */
    public static int prune(Handle h, long nowMillis) {
        return h.createUpdate("DELETE FROM revoked_tokens WHERE expires_at < :now").bind("now", nowMillis).execute();
    }
}
