package dev.vectis.providers;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A provider account as stored, without its key: nothing here is secret. */
public record Provider(String id, String name, String email, String organization, String publicKey,
                       List<Endpoint> endpoints, Map<String, Object> metadata, ProviderStatus status,
                       String statusReason, Instant createdAt, Instant updatedAt, int tokenGeneration) {
}
