package dev.vectis.api.marketplace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vectis.auth.Tokens;
import dev.vectis.error.InvalidInputException;
import io.javalin.http.Context;

/** The Idempotency-Key header, and when two requests with it are the same, read alike wherever it is taken. */
final class Idempotency {

    static final String HEADER = "Idempotency-Key";
    static final int MAX_KEY = 255;

    private final ObjectMapper mapper;
    private final ObjectMapper canonical;

    Idempotency(ObjectMapper mapper) {
        this.mapper = mapper;
        this.canonical = mapper.copy().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    }

    /** The key; null when the header is absent and the route does not require one. */
    static String key(Context ctx, boolean required) {
        String key = ctx.header(HEADER);
        if (key == null && !required) {
            return null;
        }
        if (key == null || key.isBlank()) {
            throw new InvalidInputException(HEADER, required ? "The Idempotency-Key header is required"
                    : "The Idempotency-Key header must not be blank");
        }
        InvalidInputException.maxLength(key, HEADER, MAX_KEY);
        return key;
    }

    /** The same request means the same JSON, however its keys are ordered or spaced. */
    String hash(JsonNode body) {
        try {
            return Tokens.sha256Hex(canonical.writeValueAsString(mapper.treeToValue(body, Object.class)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed body always serialises", e);
        }
    }
}
