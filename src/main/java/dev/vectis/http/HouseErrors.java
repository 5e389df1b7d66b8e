package dev.vectis.http;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Vectis's own error shape, for paths no contract fixes a shape for:
 * {@code {"error": "not_found", "message": "...", "field": "...", "request_id": "..."}}.
 */
public final class HouseErrors implements ErrorShape {

    @Override
    public Object body(ApiError e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.code().toLowerCase(Locale.ROOT));
        body.put("message", e.message());
        if (e.field() != null) {
            body.put("field", e.field());
        }
        if (e.violations().size() > 1) {
            body.put("errors", e.violations());
        }
        body.put("request_id", e.requestId());
        return body;
    }
}
