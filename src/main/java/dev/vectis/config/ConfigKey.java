package dev.vectis.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Locale;
import java.util.Optional;

/**
 * One configuration key, as {@link ConfigKeys} reads it from the Settings records: its dotted
 * path, its default (as text), whether it holds a list (and how its text splits into items) and
 * whether its value must never be shown.
 */
record ConfigKey(String path, Optional<String> defaultText, boolean list, boolean onePerLine, boolean secret) {

    /** {@code server.port} → {@code SERVER_PORT}; the prefixes VECTIS_ and PROVIDER_REGISTRY_ go in front. */
    String envSuffix() {
        return path.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /**
     * The value of an environment variable (or a default, or a YAML scalar given for a list):
     * lists split on commas, or on lines when a comma can be part of an item.
     */
    JsonNode fromText(String text) {
        if (!list) {
            return TextNode.valueOf(text);
        }
        ArrayNode items = JsonNodeFactory.instance.arrayNode();
        for (String item : text.split(onePerLine ? "\\R" : ",")) {
            if (!item.isBlank()) {
                items.add(onePerLine ? item : item.trim());
            }
        }
        return items;
    }

    /** A value from the YAML file: lists may be written as one comma-separated scalar too. */
    JsonNode fromFile(JsonNode node) {
        return list && node.isValueNode() ? fromText(node.asText()) : node;
    }
}
