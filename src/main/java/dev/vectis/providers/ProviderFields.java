package dev.vectis.providers;

import java.util.List;
import java.util.Map;

/** The validated fields a provider chooses (at registration, and later by PATCH except the email). */
public record ProviderFields(String name, String email, String organization, String publicKey,
                             List<Endpoint> endpoints, Map<String, Object> metadata) {
}
