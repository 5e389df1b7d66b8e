package dev.vectis.error;

/** One failed rule about one field, e.g. {@code endpoints[0].url}. */
public record Violation(String field, String message, String code) {
}
