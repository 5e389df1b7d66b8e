package dev.vectis.providers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.error.Violation;
import java.util.List;

/** Reading loosely typed JSON fields, adding a violation instead of stopping at the first problem. */
final class Fields {

    private Fields() {
    }

    /** A required string, trimmed; null (with a violation) when missing or not a string. */
    static String requiredText(JsonNode body, String name, String missingCode, List<Violation> out) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull() || (node.isTextual() && node.textValue().isBlank())) {
            out.add(new Violation(name, name + " is required", missingCode));
            return null;
        }
        if (!node.isTextual()) {
            out.add(new Violation(name, name + " must be a string", "INVALID_TYPE"));
            return null;
        }
        return node.textValue().trim();
    }

    /** An optional string, trimmed, at most {@code max} characters; null when absent, blank or wrong. */
    static String optionalText(JsonNode body, String name, String field, int max, List<Violation> out) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            out.add(new Violation(field, field + " must be a string", "INVALID_TYPE"));
            return null;
        }
        String text = node.textValue().trim();
        if (text.codePointCount(0, text.length()) > max) {
            out.add(new Violation(field, field + " must be at most " + max + " characters", "FIELD_TOO_LONG"));
            return null;
        }
        if (text.chars().anyMatch(Character::isISOControl)) {
            out.add(new Violation(field, field + " must not contain control characters", "INVALID_CHARACTERS"));
            return null;
        }
        return text.isEmpty() ? null : text;
    }
}
