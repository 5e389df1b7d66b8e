package dev.vectis.api.provider;

import dev.vectis.http.ContractApi;
import dev.vectis.http.ErrorShape;
import dev.vectis.http.PathPrefix;
import java.util.LinkedHashMap;
import java.util.Map;

/** provider-registry.md: provider onboarding under /api/v1/registration. */
public final class ProviderApi implements ContractApi {

    private static final PathPrefix PATHS = new PathPrefix("/api/v1/registration");

    @Override
    public boolean owns(String path) {
        return PATHS.covers(path);
    }

    /**
     * The spec's {@code {"error": "Bad Request", "message": ..., "code": 400,
     * "validation_errors": [...], "timestamp": ..., "request_id": ...}}.
     */
    @Override
    public ErrorShape errorShape() {
        return ProviderApi::errorBody;
    }

    public static Map<String, Object> errorBody(dev.vectis.http.ApiError e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.reason());
        body.put("message", e.message());
        body.put("code", e.status());
        if (!e.violations().isEmpty()) {
            body.put("validation_errors", e.violations());
        }
        body.put("timestamp", e.timestamp().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        body.put("request_id", e.requestId());
        return body;
    }
}
