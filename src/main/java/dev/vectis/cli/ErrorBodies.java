package dev.vectis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The message of an error answer. Each contract has its own error shape (the operator
 * envelope {@code {success, error, code}}, the executor's {@code {error, statusCode}}, the
 * marketplace's {@code {error, message, field}}, the provider registry's validation list);
 * this reads whichever one came.
 */
final class ErrorBodies {

    private static final int MAX_TEXT = 300;

    private ErrorBodies() {
    }

    static String describe(Reply reply) {
        String text = message(reply);
        return "HTTP " + reply.status() + (text.isEmpty() ? "" : ": " + text)
                + (reply.requestId() == null ? "" : " (request " + reply.requestId() + ")");
    }

    private static String message(Reply reply) {
        JsonNode json;
        try {
            json = Reply.MAPPER.readTree(reply.body());
        } catch (Exception e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            String body = reply.body() == null ? "" : reply.body().strip();
            return body.length() > MAX_TEXT ? body.substring(0, MAX_TEXT) + "…" : body;
        }
        String message = text(json, "message");
        String error = text(json, "error");
        String code = text(json, "code");
        List<String> parts = new ArrayList<>();
        if (message != null) {
            // The marketplace's and the registry's shape: error is the code, message the words.
            if (code == null && error != null && !error.equals(message)) {
                code = error;
            }
            parts.add(message);
        } else if (error != null) {
            parts.add(error);
        }
        String field = text(json, "field");
        if (field != null) {
            parts.add("(field " + field + ")");
        }
        JsonNode invalid = json.get("validation_errors");
        if (invalid != null && invalid.isArray()) {
            for (JsonNode v : invalid) {
                parts.add("\n  " + text(v, "field") + ": " + text(v, "message"));
            }
        }
        String joined = String.join(" ", parts).replace(" \n", "\n");
        return code == null ? joined : code + ": " + joined;
    }

    private static String text(JsonNode node, String name) {
        JsonNode v = node.get(name);
        return v != null && v.isTextual() && !v.textValue().isBlank() ? v.textValue() : null;
    }
}
