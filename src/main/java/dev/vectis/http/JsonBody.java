package dev.vectis.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.vectis.error.InvalidInputException;
import io.javalin.http.Context;

/** Reads request bodies; every way a body can be wrong becomes a 400 naming the field. */
public final class JsonBody {

    private final ObjectMapper mapper;

    public JsonBody(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The body as a JSON object mapped to {@code type}; a missing or non-object body is refused. */
    public <T> T read(Context ctx, Class<T> type) {
        try {
            return mapper.treeToValue(tree(ctx), type);
        } catch (JsonProcessingException e) {
            throw invalid(e);
        }
    }

    /** The body as it arrived, for a reader of one form that needs no tree; shared, never to be changed. */
    public byte[] bytes(Context ctx) {
        return RequestGuard.body(ctx);
    }

    /** The body as a JSON object tree, for callers that also need the JSON itself. */
    public JsonNode tree(Context ctx) {
        byte[] body = RequestGuard.body(ctx);
        if (body.length == 0) {
            throw new InvalidInputException("body", "a JSON object body is required");
        }
        try {
            JsonNode tree = mapper.readTree(body);
            if (tree == null || !tree.isObject()) {
                throw new InvalidInputException("body", "the body must be a JSON object");
            }
            String bad = StorableText.firstBad(tree);
            if (bad != null) {
                throw new InvalidInputException(bad, bad + " " + StorableText.PROBLEM);
            }
            return tree;
        } catch (JsonProcessingException e) {
            throw invalid(e);
        } catch (java.io.IOException e) {
            throw new InvalidInputException("body", "the body could not be read");
        }
    }

    /** A Jackson failure as a 400: the field path where there is one, else the body. */
    public static InvalidInputException invalid(JsonProcessingException e) {
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = fieldPath(mapping);
            String expected = e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null
                    ? " (expected " + describe(mismatch.getTargetType()) + ")" : "";
            return new InvalidInputException(field, field + " has the wrong type or format" + expected);
        }
        return new InvalidInputException("body", "malformed JSON: " + e.getOriginalMessage());
    }

    private static String fieldPath(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.isEmpty() ? "body" : out.toString();
    }

    private static String describe(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return type == Double.class || type == double.class || type == Float.class || type == float.class
                    ? "a number" : "a whole number";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }
}
