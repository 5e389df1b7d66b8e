package dev.vectis.providers;

/** A new provider and its API key, which exists in clear only in this answer. */
public record NewProvider(Provider provider, String apiKey) {
}
