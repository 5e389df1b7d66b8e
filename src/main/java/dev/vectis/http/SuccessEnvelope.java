package dev.vectis.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The error shape of session-worker-gateway.md, {@code {"success": false, "error": "...", "code": "ERROR_CODE"}},
 * which the operator views (fleet, labels, access) speak too: one console reads them all.
 */
public final class SuccessEnvelope {

    private SuccessEnvelope() {
    }

    /** {@code {"success": true, "data": ...}}: the success shape that goes with {@link #error}. */
    public record Ok<T>(boolean success, T data) {
    }

    public static <T> Ok<T> ok(T data) {
        return new Ok<>(true, data);
    }

    public static Map<String, Object> error(ApiError e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", false);
        body.put("error", e.message());
        body.put("code", e.code());
        return body;
    }
}
