package dev.vectis.providers;

import dev.vectis.auth.Jwt;
import dev.vectis.auth.TokenRevocations;
import dev.vectis.error.AuthenticationException;
import dev.vectis.error.ForbiddenException;
import dev.vectis.error.VectisException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Signing in: an API key buys a JWT for this contract's audience, and every call with the
 * token re-reads the provider, so suspension or rejection takes effect on the next request.
 */
public final class ProviderSessions {

    public static final String AUDIENCE = "provider-registry";
    private static final String REFUSED = "Invalid provider ID or API key";

    private final ProviderStore store;
    private final ApiKeys keys;
    private final Jwt jwt;
    private final Duration ttl;

    ProviderSessions(ProviderStore store, ApiKeys keys, Jwt jwt, Duration ttl) {
        this.store = store;
        this.keys = keys;
        this.jwt = jwt;
        this.ttl = ttl;
    }

    /**
     * One answer, after one bcrypt, for an unknown id, a key of another provider and a wrong
     * key, so neither the reply nor its timing tells which ids exist.
     */
    public Jwt.Issued authenticate(String providerId, String apiKey) {
        Optional<ProviderStore.StoredKey> stored = ApiKeys.lookup(apiKey).flatMap(store::keyByLookup);
        boolean keyMatches = keys.verify(apiKey, stored.map(ProviderStore.StoredKey::hash));
        String id = canonical(providerId);
        if (!keyMatches || id == null || !stored.get().providerId().equals(id)) {
            throw new AuthenticationException(REFUSED);
        }
        requireActive(stored.get().status());
        return issue(id, stored.get().tokenGeneration());
    }

    /** The provider a bearer token stands for, provided it may still act. */
    public Provider verify(String token) {
        Jwt.Claims claims = jwt.verify(token, AUDIENCE);
        Provider provider = store.find(claims.subject())
                .orElseThrow(() -> new AuthenticationException("Invalid or expired token (unknown provider)"));
        requireActive(provider.status());
        if (TokenRevocations.generation(claims) != provider.tokenGeneration()) {
            throw new AuthenticationException("Invalid or expired token (issued before a key rotation or suspension)");
        }
        return provider;
    }

    /** The provider a token names, checked by its signature alone (no database): for the rate limiter. */
    public Optional<String> tokenSubject(String token) {
        try {
            return Optional.of(jwt.verify(token, AUDIENCE).subject());
        } catch (AuthenticationException e) {
            return Optional.empty();
        }
    }

    /** A new token for a valid one; the old token keeps its own expiry. */
    public Jwt.Issued refresh(String token) {
        Provider provider = verify(token);
        return issue(provider.id(), provider.tokenGeneration());
    }

    private Jwt.Issued issue(String providerId, int generation) {
        return jwt.issue(providerId, AUDIENCE, ttl, Map.of(TokenRevocations.GENERATION, generation));
    }

    static void requireActive(ProviderStatus status) {
        if (status == null || !status.mayAuthenticate()) {
            throw locked(status);
        }
    }

    /** Why a provider that proved who it is may not act. */
    static VectisException locked(ProviderStatus status) {
        if (status == null) {
            return new AuthenticationException("Invalid or expired token (unknown provider)");
        }
        return new ForbiddenException("PROVIDER_" + status.name(), "This provider is " + status.wire()
                + "; contact the operator");
    }

    /** The provider id as stored, however its UUID is spelt; null when it is not a UUID. */
    public static String canonical(String providerId) {
        try {
            return providerId == null ? null : UUID.fromString(providerId).toString();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
