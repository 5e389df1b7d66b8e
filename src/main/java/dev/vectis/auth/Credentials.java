package dev.vectis.auth;

import dev.vectis.config.Secret;
import java.util.List;

/**
 * The shared bearer tokens: the operator's admin token and the fleet's worker tokens
 * (the specs' VECTIS_TOKEN and BACKEND_AUTH_TOKEN).
 */
public final class Credentials {

    public enum Role { ADMIN, WORKER, NONE }

    private final AdminCredential admin;
    private final List<Secret> workerTokens;

    public Credentials(AdminCredential admin, List<Secret> workerTokens) {
        this.admin = admin;
        this.workerTokens = List.copyOf(workerTokens);
    }

    public Role roleOf(String bearer) {
        if (bearer == null || bearer.isEmpty()) {
            return Role.NONE;
        }
        if (admin.matches(bearer)) {
            return Role.ADMIN;
        }
        // Compare against every token so the time taken does not reveal which one matched.
        boolean worker = false;
        for (Secret token : workerTokens) {
            worker |= token.matches(bearer);
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
