package dev.vectis.api.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.app.Features;
import dev.vectis.http.Callers;
import dev.vectis.http.ContractApi;
import dev.vectis.http.ErrorShape;
import dev.vectis.http.JsonBody;
import dev.vectis.http.PathPrefix;
import dev.vectis.http.Streams;
import io.javalin.config.RoutesConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * session-worker-gateway.md: chat-session workers under /api/v1/workers/… and
 * /api/v1/webhooks/…, and the operator views over the same registry.
 */
public final class GatewayApi implements ContractApi {

    private static final PathPrefix[] OTHER_PATHS = {
        new PathPrefix("/api/v1/webhooks"), new PathPrefix("/api/v1/sessions"), new PathPrefix("/api/v1/events")
    };

    private final WorkerRoutes workers;
    private final OperatorRoutes operators;

    public GatewayApi(Callers callers, ObjectMapper mapper, Features features, Streams streams) {
        JsonBody json = new JsonBody(mapper);
        this.workers = new WorkerRoutes(callers, json, mapper, features);
        this.operators = new OperatorRoutes(callers, json, mapper, features, streams);
    }

    @Override
    public boolean owns(String path) {
        return (path.startsWith("/api/v1/workers/") && path.length() > "/api/v1/workers/".length())
                || PathPrefix.any(path, OTHER_PATHS);
    }

    /** The operator list at /api/v1/workers is ours; POST there is the fleet contract's enrolment. */
    @Override
    public boolean owns(String method, String path) {
        return owns(path) || (path.equals("/api/v1/workers") && !method.equals("POST"));
    }

    @Override
    public void routes(RoutesConfig routes) {
        workers.register(routes);
        operators.register(routes);
    }

    @Override
    public ErrorShape errorShape() {
        return GatewayApi::errorBody;
    }

    /** The spec's {@code {"success": false, "error": "...", "code": "ERROR_CODE"}}. */
    public static Map<String, Object> errorBody(dev.vectis.http.ApiError e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", false);
        body.put("error", e.message());
        body.put("code", e.code());
        return body;
    }

    /** The spec's success envelope. */
    static Map<String, Object> ok(Object data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("data", data);
        return body;
    }

    static Map<String, Object> message(String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("message", message);
        return body;
    }
}
