package dev.vectis.api.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.error.InvalidInputException;
import dev.vectis.error.NotFoundException;
import dev.vectis.http.Callers;
import dev.vectis.http.JsonBody;
import dev.vectis.sessions.GatewayEvent;
import dev.vectis.workers.GatewayRegistration;
import dev.vectis.workers.Worker;
import dev.vectis.workers.WorkerCommands;
import dev.vectis.workers.WorkerId;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Set;

/** The six endpoints a chat-session worker calls. */
final class ChatWorkerRoutes {

    record RegisterBody(String workerId, String endpoint, Integer maxSessions, String description, String status,
                        String version, String environment, String timestamp) {
    }

    record EventBody(String event, String sessionId, String workerId, Map<String, Object> data, String timestamp) {
    }

    static final Set<String> STATUSES = Set.of("ONLINE", "OFFLINE", "MAINTENANCE");

    /**
     * The status as the one shared string of its value, or null when it is none of them: a
     * heartbeat's sample waits in memory for its batch, and need not hold a copy of its own.
     */
    static String knownStatus(String status) {
        for (String known : STATUSES) {
            if (known.equals(status)) {
                return known;
            }
        }
        return null;
    }
    static final Set<String> ENVIRONMENTS = Set.of("DEVELOPMENT", "STAGING", "TESTING", "PRODUCTION");

    private final Callers callers;
    private final JsonBody json;
    private final ObjectMapper mapper;
    private final GatewayApi.Services f;

    ChatWorkerRoutes(Callers callers, JsonBody json, ObjectMapper mapper, GatewayApi.Services features) {
        this.callers = callers;
        this.json = json;
        this.mapper = mapper;
        this.f = features;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/v1/workers/register", this::registerWorker);
        routes.put("/api/v1/workers/{workerId}/heartbeat", this::heartbeat);
        routes.post("/api/v1/workers/{workerId}/events", ctx -> event(ctx, "events", ctx.pathParam("workerId"),
                "Event received"));
        routes.post("/api/v1/webhooks/session-status", ctx -> event(ctx, "session-status", null,
                "Session status updated"));
        routes.post("/api/v1/webhooks/message-status", ctx -> event(ctx, "message-status", null,
                "Message status updated"));
        routes.delete("/api/v1/workers/{workerId}", this::unregister);
    }

    private void registerWorker(Context ctx) {
        callers.worker(ctx);
        RegisterBody b = json.read(ctx, RegisterBody.class);
        String workerId = workerId(b.workerId(), "workerId");
        callers.actingFor(ctx, workerId);
        String endpoint = endpoint(b.endpoint());
        int maxSessions = b.maxSessions() == null ? 50 : b.maxSessions();
        if (maxSessions < 1 || maxSessions > 10_000) {
            throw new InvalidInputException("maxSessions", "maxSessions must be from 1 to 10000");
        }
        String status = oneOf(b.status(), "status", STATUSES, "ONLINE");
        String environment = oneOf(b.environment(), "environment", ENVIRONMENTS, "DEVELOPMENT");
        InvalidInputException.maxLength(b.version(), "version", 100);
        InvalidInputException.maxLength(b.description(), "description", 1000);
        Worker w = f.workers().registerGateway(new GatewayRegistration(workerId, endpoint, maxSessions,
                b.description(), status, b.version(), environment));
        ctx.json(GatewayApi.ok(new GatewayViews.Registered(w.id(), "registered", f.chatSessions().liveOn(w.id()),
                "Worker registered successfully")));
    }

    private void heartbeat(Context ctx) {
        callers.worker(ctx);
        String workerId = workerId(ctx.pathParam("workerId"), "workerId");
        callers.actingFor(ctx, workerId);
        HeartbeatReader.Heartbeat b = PlainHeartbeat.read(mapper.getFactory(), json.bytes(ctx), workerId);
        if (b == null) {
            b = HeartbeatReader.read(json.tree(ctx), workerId);
        }
        long now;
        try {
            now = f.workers().gatewayHeartbeat(workerId, b.status());
        } catch (NotFoundException e) {
            throw new NotFoundException("WORKER_NOT_REGISTERED", "Worker " + workerId + " is not registered; "
                    + "register it again");
        }
        f.metrics().record(b.sample(workerId, now));
        ctx.json(GatewayApi.ok(new GatewayViews.Acknowledged(workerId, "acknowledged",
                f.commands().toDeliver(workerId).stream().map(this::command).toList())));
    }

    private void event(Context ctx, String source, String pathWorkerId, String answer) {
        callers.worker(ctx);
        if (pathWorkerId != null) {
            callers.actingFor(ctx, workerId(pathWorkerId, "workerId"));
        }
        EventBody b = json.read(ctx, EventBody.class);
        if (pathWorkerId != null && b.workerId() != null && !b.workerId().equals(pathWorkerId)) {
            throw new InvalidInputException("workerId", "workerId in the body (" + b.workerId()
                    + ") differs from the path (" + pathWorkerId + ")");
        }
        String workerId = b.workerId(); // required in the body too (issue 5), and equal to the path's
        if (workerId != null) {
            workerId(workerId, "workerId");
            callers.actingFor(ctx, workerId);
        }
        InvalidInputException.maxLength(b.timestamp(), "timestamp", 64);
        f.gatewayEvents().record(new GatewayEvent(source, b.event(), workerId, b.sessionId(),
                b.data() == null ? Map.of() : b.data(), b.timestamp()));
        ctx.json(GatewayApi.message(answer));
    }

    private void unregister(Context ctx) {
        callers.worker(ctx);
        String workerId = workerId(ctx.pathParam("workerId"), "workerId");
        callers.actingFor(ctx, workerId);
        if (!f.gatewayEvents().unregister(workerId, f.reaper())) {
            throw new NotFoundException("WORKER_NOT_REGISTERED", "Worker " + workerId + " is not registered");
        }
        ctx.json(GatewayApi.message("Worker unregistered successfully"));
    }

    private GatewayViews.Command command(WorkerCommands.Command c) {
        return new GatewayViews.Command(c.id(), c.type(), parse(c.payload()),
                java.time.Instant.ofEpochMilli(c.createdAt()).toString());
    }

    private JsonNode parse(String payload) {
        try {
            return payload == null ? null : mapper.readTree(payload);
        } catch (java.io.IOException e) {
            return mapper.getNodeFactory().textNode(payload);
        }
    }

    static String workerId(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new InvalidInputException(field, field + " is required");
        }
        return WorkerId.check(value);
    }

    private static String endpoint(String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidInputException("endpoint", "endpoint is required");
        }
        InvalidInputException.maxLength(value, "endpoint", 2048);
        try {
            URI uri = new URI(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return value;
            }
        } catch (URISyntaxException e) {
            // falls through
        }
        throw new InvalidInputException("endpoint", "endpoint must be an http(s) URL, e.g. http://localhost:8001");
    }

    private static String oneOf(String value, String field, Set<String> allowed, String fallback) {
        if (value == null) {
            return fallback;
        }
        if (!allowed.contains(value)) {
            throw new InvalidInputException(field, field + " must be one of " + String.join(", ",
                    allowed.stream().sorted().toList()));
        }
        return value;
    }
}
