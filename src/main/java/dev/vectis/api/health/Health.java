package dev.vectis.api.health;

import com.fasterxml.jackson.annotation.JsonInclude;

/** GET /health's body (provider-registry.md's shape); {@code reason} only when unhealthy. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Health(String status, String service, String timestamp, String version, String reason) {
}
