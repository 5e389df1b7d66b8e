package dev.vectis.api.gateway;

import dev.vectis.http.ContractApi;
import dev.vectis.http.ErrorShape;
import dev.vectis.http.PathPrefix;
import java.util.LinkedHashMap;
import java.util.Map;

/** session-worker-gateway.md: chat-session workers under /api/v1/workers/… and /api/v1/webhooks/…. */
public final class GatewayApi implements ContractApi {

    private static final PathPrefix WEBHOOKS = new PathPrefix("/api/v1/webhooks");

    @Override
    public boolean owns(String path) {
        return (path.startsWith("/api/v1/workers/") && path.length() > "/api/v1/workers/".length())
                || WEBHOOKS.covers(path);
    }

    /** The spec's {@code {"success": false, "error": "...", "code": "ERROR_CODE"}}. */
    @Override
    public ErrorShape errorShape() {
        return e -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("success", false);
            body.put("error", e.message());
            body.put("code", e.code());
            return body;
        };
    }
}
