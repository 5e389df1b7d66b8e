package dev.vectis.api.fleet;

import dev.vectis.http.ContractApi;
import dev.vectis.http.ErrorShape;
import java.util.LinkedHashMap;
import java.util.Map;

/** fleet-registration.md: POST /api/v1/workers, exactly that path (deeper paths are the gateway's). */
public final class FleetApi implements ContractApi {

    @Override
    public boolean owns(String path) {
        return path.equals("/api/v1/workers") || path.equals("/api/v1/workers/");
    }

    /** The spec's {@code {"error": "Invalid request", "message": "IP address is required"}}. */
    @Override
    public ErrorShape errorShape() {
        return e -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", title(e.status(), e.reason()));
            body.put("message", e.message());
            return body;
        };
    }

    private static String title(int status, String reason) {
        return switch (status) {
            case 400 -> "Invalid request";
            case 401 -> "Unauthorized";
            case 409 -> "Worker already exists";
            default -> reason;
        };
    }
}
