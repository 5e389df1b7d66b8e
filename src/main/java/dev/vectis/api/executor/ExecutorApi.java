package dev.vectis.api.executor;

import dev.vectis.http.ContractApi;
import dev.vectis.http.ErrorShape;
import dev.vectis.http.PathPrefix;
import java.util.LinkedHashMap;
import java.util.Map;

/** command-executor.md: worker, job and execute endpoints. */
public final class ExecutorApi implements ContractApi {

    private static final PathPrefix[] PATHS = {
        new PathPrefix("/api/workers"), new PathPrefix("/api/jobs"),
        new PathPrefix("/api/execute"), new PathPrefix("/uploads")
    };

    @Override
    public boolean owns(String path) {
        return PathPrefix.any(path, PATHS);
    }

    /** The spec's {@code {"error": "...", "statusCode": 400}}. */
    @Override
    public ErrorShape errorShape() {
        return e -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", e.message());
            body.put("statusCode", e.status());
            return body;
        };
    }
}
