package dev.vectis.api.provider;

import dev.vectis.auth.Jwt;
import dev.vectis.providers.Provider;
import dev.vectis.providers.NewProvider;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON bodies of provider-registry.md. Nothing here ever carries a key hash or its look-up part. */
final class ProviderViews {

    private ProviderViews() {
    }

    static Map<String, Object> registration(NewProvider r) {
        Provider p = r.provider();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("provider_id", p.id());
        body.put("api_key", r.apiKey());
        body.put("status", p.status().wire());
        body.put("name", p.name());
        body.put("email", p.email());
        body.put("created_at", time(p.createdAt()));
        return body;
    }

    static Map<String, Object> profile(Provider p) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("provider_id", p.id());
        body.put("name", p.name());
        body.put("email", p.email());
        body.put("organization", p.organization());
        body.put("public_key", p.publicKey());
        body.put("endpoints", p.endpoints());
        body.put("metadata", p.metadata());
        body.put("status", p.status().wire());
        if (p.statusReason() != null) {
            body.put("status_reason", p.statusReason());
        }
        body.put("created_at", time(p.createdAt()));
        body.put("updated_at", time(p.updatedAt()));
        return body;
    }

    static Map<String, Object> token(Jwt.Issued t) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", t.token());
        body.put("token_type", "Bearer");
        body.put("expires_at", time(t.expiresAt()));
        body.put("expires_in", Duration.between(t.issuedAt(), t.expiresAt()).toSeconds());
        return body;
    }

    static Map<String, Object> newKey(String providerId, String apiKey) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("provider_id", providerId);
        body.put("api_key", apiKey);
        return body;
    }

    static String time(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
