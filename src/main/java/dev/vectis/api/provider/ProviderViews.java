package dev.vectis.api.provider;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.vectis.auth.Jwt;
import dev.vectis.providers.Endpoint;
import dev.vectis.providers.Provider;
import dev.vectis.providers.NewProvider;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/** The JSON bodies of provider-registry.md. Nothing here ever carries a key hash or its look-up part. */
final class ProviderViews {

    private ProviderViews() {
    }

    record RegistrationBody(@JsonProperty("provider_id") String providerId, @JsonProperty("api_key") String apiKey,
                            String status, String name, String email,
                            @JsonProperty("created_at") String createdAt) {
    }

    /** organization, public_key and metadata are null when unset; status_reason is absent then. */
    record Profile(@JsonProperty("provider_id") String providerId, String name, String email, String organization,
                   @JsonProperty("public_key") String publicKey, List<Endpoint> endpoints,
                   Map<String, Object> metadata, String status,
                   @JsonProperty("status_reason") @JsonInclude(JsonInclude.Include.NON_NULL) String statusReason,
                   @JsonProperty("created_at") String createdAt, @JsonProperty("updated_at") String updatedAt) {
    }

    record Token(String token, @JsonProperty("token_type") String tokenType,
                 @JsonProperty("expires_at") String expiresAt, @JsonProperty("expires_in") long expiresIn) {
    }

    record NewKey(@JsonProperty("provider_id") String providerId, @JsonProperty("api_key") String apiKey) {
    }

    record ProviderList(List<Profile> providers, long total, @JsonProperty("next_cursor") String nextCursor) {
    }

    static RegistrationBody registration(NewProvider r) {
        Provider p = r.provider();
        return new RegistrationBody(p.id(), r.apiKey(), p.status().wire(), p.name(), p.email(), time(p.createdAt()));
    }

    static Profile profile(Provider p) {
        return new Profile(p.id(), p.name(), p.email(), p.organization(), p.publicKey(), p.endpoints(), p.metadata(),
                p.status().wire(), p.statusReason(), time(p.createdAt()), time(p.updatedAt()));
    }

    static Token token(Jwt.Issued t) {
        return new Token(t.token(), "Bearer", time(t.expiresAt()),
                Duration.between(t.issuedAt(), t.expiresAt()).toSeconds());
    }

    static NewKey newKey(String providerId, String apiKey) {
        return new NewKey(providerId, apiKey);
    }

    static String time(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
