package dev.vectis.auth;

import dev.vectis.config.Secret;
import java.security.MessageDigest;
import java.util.List;

/**
 * The shared bearer tokens: the operator's admin token and the fleet's worker tokens
 * (the specs' VECTIS_TOKEN and BACKEND_AUTH_TOKEN). A presented token is hashed once and its
 * SHA-256 compared with each configured token's, hashed once at start: every comparison is
 * then of 32 bytes, in constant time, and reveals neither content nor length.
 */
public final class Credentials {

    public enum Role { ADMIN, WORKER, NONE }

    private final AdminCredential admin;
    private final List<byte[]> workerTokens;

    public Credentials(AdminCredential admin, List<Secret> workerTokens) {
        this.admin = admin;
        this.workerTokens = workerTokens.stream().map(t -> Tokens.sha256(t.bytes())).toList();
    }

    public Role roleOf(String bearer) {
        if (bearer == null || bearer.isEmpty()) {
            return Role.NONE;
        }
        return roleOfSha256(Tokens.sha256(bearer));
    }

    /** As {@link #roleOf}, given the presented token's SHA-256 (null: no token). */
    public Role roleOfSha256(byte[] presentedSha256) {
        if (presentedSha256 == null) {
            return Role.NONE;
        }
        if (admin.matchesSha256(presentedSha256)) {
            return Role.ADMIN;
        }
        // Compare against every token so the time taken does not reveal which one matched.
        boolean worker = false;
        for (byte[] token : workerTokens) {
            worker |= MessageDigest.isEqual(token, presentedSha256);
        }
        return worker ? Role.WORKER : Role.NONE;
    }

    /** The token from {@code Authorization: Bearer <token>}, or null. */
    public static String bearer(String authorizationHeader) {
        if (authorizationHeader == null) {
            return null;
        }
        String h = authorizationHeader.trim();
        if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = h.substring(7).trim();
        return token.isEmpty() ? null : token;
    }
}
