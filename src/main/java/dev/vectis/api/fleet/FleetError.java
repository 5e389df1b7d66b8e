package dev.vectis.api.fleet;

/** fleet-registration.md's error body: {@code {"error": "Invalid request", "message": "..."}}. */
public record FleetError(String error, String message) {
}
