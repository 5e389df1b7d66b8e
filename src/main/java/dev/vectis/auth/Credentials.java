package dev.vectis.auth;

import dev.vectis.config.Secret;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The bearer tokens of operators and the fleet: the configured admin token, the configured
 * worker tokens (the specs' VECTIS_TOKEN and BACKEND_AUTH_TOKEN) and the named tokens an admin
 * issues ({@link NamedTokens}). A presented token is hashed once and its SHA-256 compared with
 * each configured token's, hashed once at start: every comparison is then of 32 bytes, in
 * constant time, and reveals neither content nor length. Named tokens are then looked up by
 * that digest, which a caller cannot steer, so how long the lookup takes tells nothing either.
 */
public final class Credentials {

    /** What a token may do; see {@link Permission} for which role each kind of endpoint needs. */
    public enum Role {
        ADMIN, OPERATOR, VIEWER, SUBMITTER, WORKER, NONE;

        /** The role as the tokens API writes it: {@code admin}, {@code operator}, ... */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** A role a named token may have; NONE is not one. */
        public static Optional<Role> parse(String wire) {
            for (Role r : values()) {
                if (r != NONE && r.wire().equals(wire)) {
                    return Optional.of(r);
                }
            }
            return Optional.empty();
        }
    }

    private final AdminCredential admin;
    private final List<byte[]> workerTokens;
    private final Function<byte[], Optional<Principal>> named;

    public Credentials(AdminCredential admin, List<Secret> workerTokens) {
        this(admin, workerTokens, sha256 -> Optional.empty());
    }

    /** @param named the named token with this SHA-256, when one is current ({@link NamedTokens#find}) */
    public Credentials(AdminCredential admin, List<Secret> workerTokens, Function<byte[], Optional<Principal>> named) {
        this.admin = admin;
        this.workerTokens = workerTokens.stream().map(t -> Tokens.sha256(t.bytes())).toList();
        this.named = named;
    }

    public Role roleOf(String bearer) {
        if (bearer == null || bearer.isEmpty()) {
            return Role.NONE;
        }
        return roleOfSha256(Tokens.sha256(bearer));
    }

    /** As {@link #roleOf}, given the presented token's SHA-256 (null: no token). */
    public Role roleOfSha256(byte[] presentedSha256) {
        return principalOfSha256(presentedSha256).role();
    }

    /** Who holds the token with this SHA-256; {@link Principal#NOBODY} for no token or an unknown one. */
    public Principal principalOfSha256(byte[] presentedSha256) {
        if (presentedSha256 == null) {
            return Principal.NOBODY;
        }
        if (admin.matchesSha256(presentedSha256)) {
            return Principal.CONFIGURED_ADMIN;
        }
        // Compare against every token so the time taken does not reveal which one matched.
        boolean worker = false;
        for (byte[] token : workerTokens) {
            worker |= MessageDigest.isEqual(token, presentedSha256);
        }
        if (worker) {
            return Principal.CONFIGURED_WORKER;
        }
        return named.apply(presentedSha256).orElse(Principal.NOBODY);
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
