package dev.vectis.api.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.events.EventLog;
import dev.vectis.http.Callers;
import dev.vectis.http.ContractApi;
import dev.vectis.http.ErrorShape;
import dev.vectis.http.JsonBody;
import dev.vectis.http.PathPrefix;
import dev.vectis.http.Streams;
import dev.vectis.http.SuccessEnvelope;
import dev.vectis.jobs.JobReaper;
import dev.vectis.sessions.ChatSessions;
import dev.vectis.sessions.GatewayEvents;
import dev.vectis.workers.WorkerCommands;
import dev.vectis.workers.WorkerMetrics;
import dev.vectis.workers.WorkerRegistry;
import io.javalin.config.RoutesConfig;
import java.time.Clock;
import java.util.Map;

/**
 * session-worker-gateway.md: chat-session workers under /api/v1/workers/… and
 * /api/v1/webhooks/…, and the operator views over the same registry.
 */
public final class GatewayApi implements ContractApi {

    private static final PathPrefix[] OTHER_PATHS = {
        new PathPrefix("/api/v1/webhooks"), new PathPrefix("/api/v1/sessions"), new PathPrefix("/api/v1/events")
    };

    /** The feature services the gateway's routes call. */
    public record Services(WorkerRegistry workers, ChatSessions chatSessions, WorkerMetrics metrics,
                           WorkerCommands commands, GatewayEvents gatewayEvents, JobReaper reaper, EventLog events) {
    }

    private final ChatWorkerRoutes workers;
    private final OperatorRoutes operators;

    public GatewayApi(Callers callers, ObjectMapper mapper, Services services, Streams streams, Clock clock) {
        JsonBody json = new JsonBody(mapper);
        this.workers = new ChatWorkerRoutes(callers, json, mapper, services);
        this.operators = new OperatorRoutes(callers, json, mapper, services, streams, clock);
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
        return SuccessEnvelope.error(e);
    }

    /** The spec's success envelope. */
    static <T> SuccessEnvelope.Ok<T> ok(T data) {
        return new SuccessEnvelope.Ok<>(true, data);
    }

    static GatewayViews.Message message(String message) {
        return new GatewayViews.Message(true, message);
    }
}
