package dev.vectis.api.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.auth.Permission;
import dev.vectis.auth.Principal;
import dev.vectis.db.Page;
import dev.vectis.error.InvalidInputException;
import dev.vectis.error.NotFoundException;
import dev.vectis.events.Event;
import dev.vectis.events.EventLog;
import dev.vectis.events.Feed;
import dev.vectis.events.FeedItem;
import dev.vectis.http.Callers;
import dev.vectis.http.EventStream;
import dev.vectis.http.JsonBody;
import dev.vectis.http.QueryParams;
import dev.vectis.http.StreamLimits;
import dev.vectis.http.Streams;
import dev.vectis.sessions.ChatSession;
import dev.vectis.workers.MetricsSample;
import dev.vectis.workers.Worker;
import dev.vectis.workers.WorkerCommands;
import dev.vectis.workers.WorkerOverview;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What operators see (admin or operator role; commands need admin): every worker of every contract, its metrics, sessions and events. */
final class OperatorRoutes {

    record CommandBody(String type, JsonNode payload) {
    }

    private static final String ALL = "*";

    private final Callers callers;
    private final JsonBody json;
    private final ObjectMapper mapper;
    private final GatewayApi.Services f;
    private final Streams streams;
    private final Feed all;
    private final Clock clock;

    OperatorRoutes(Callers callers, JsonBody json, ObjectMapper mapper, GatewayApi.Services features, Streams streams,
                   Clock clock) {
        this.callers = callers;
        this.json = json;
        this.mapper = mapper;
        this.f = features;
        this.streams = streams;
        this.clock = clock;
        // The whole log is one subject; each event is rendered once, however many operators watch.
        this.all = streams.reader().add("events", new Feed.Source((positions, limit) -> f.events()
                .after(positions.get(ALL), limit).stream().map(e -> new FeedItem(ALL, e.id(), e.type(), eventJson(e)))
                .toList(), key -> f.events().latest(), key -> f.events().newest(), f.events().horizon()::heldBack));
    }

    void register(RoutesConfig routes) {
        routes.get("/api/v1/workers", this::list);
        routes.get("/api/v1/workers/{workerId}", this::show);
        routes.get("/api/v1/workers/{workerId}/metrics", this::metrics);
        routes.get("/api/v1/workers/{workerId}/events", this::events);
        routes.get("/api/v1/sessions", this::sessions);
        routes.get("/api/v1/sessions/{sessionId}", this::session);
        routes.get("/api/v1/events", this::history);
        routes.get("/api/v1/events/stream", this::stream);
        routes.post("/admin/workers/{workerId}/commands", this::queueCommand);
    }

    private void list(Context ctx) {
        callers.require(ctx, Permission.READ);
        int limit = QueryParams.integer(ctx, "limit", 100, 1, 1000);
        String cursor = QueryParams.text(ctx, "cursor");
        Map<String, Object> data = new LinkedHashMap<>();
        Page<Worker> page = f.workers().onOneConnection(() -> {
            Page<Worker> p = f.workers().list(cursor, limit);
            data.put("workers", p.items().stream().map(w -> view(w, f.chatSessions().liveOn(w.id()),
                    f.metrics().latest(w.id()).stream().findFirst())).toList());
            return p;
        });
        data.put("count", page.total());
        data.put("nextCursor", page.nextCursor());
        ctx.json(GatewayApi.ok(data));
    }

    private void show(Context ctx) {
        callers.require(ctx, Permission.READ);
        WorkerOverview o = f.workers().overview(ctx.pathParam("workerId"), f.chatSessions().endedStates())
                .orElseThrow(OperatorRoutes::noSuchWorker);
        Map<String, Object> data = view(o.worker(), o.liveSessions(), o.lastMetrics());
        data.put("assignedSessions", o.liveSessions());
        ctx.json(GatewayApi.ok(data));
    }

    private void metrics(Context ctx) {
        callers.require(ctx, Permission.READ);
        Worker w = worker(ctx);
        long since = since(ctx.queryParam("since"));
        int limit = QueryParams.integer(ctx, "limit", 1000, 1, 10_000);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("workerId", w.id());
        data.put("metrics", f.metrics().since(w.id(), since, limit).stream().map(this::sample).toList());
        ctx.json(GatewayApi.ok(data));
    }

    private void events(Context ctx) {
        callers.require(ctx, Permission.READ);
        Worker w = worker(ctx);
        int limit = QueryParams.integer(ctx, "limit", 100, 1, 1000);
        String cursor = QueryParams.text(ctx, "cursor");
        Page.Window<Event> events = f.events().forWorker(w.id(), Page.numericCursor(cursor, "nextCursor"), limit);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("events", events.items().stream().map(this::event).toList());
        data.put("nextCursor", events.nextCursor());
        ctx.json(GatewayApi.ok(data));
    }

    /** Ours, not the spec's: every chat session, by id, optionally of one worker or in one status. */
    private void sessions(Context ctx) {
        callers.require(ctx, Permission.READ);
        String workerId = QueryParams.text(ctx, "workerId");
        String status = QueryParams.text(ctx, "status");
        InvalidInputException.maxLength(workerId, "workerId", 100);
        InvalidInputException.maxLength(status, "status", 50);
        String cursor = QueryParams.text(ctx, "cursor");
        InvalidInputException.maxLength(cursor, "cursor", 200);
        Page<ChatSession> page = f.chatSessions().page(workerId, status, cursor,
                QueryParams.integer(ctx, "limit", 100, 1, 1000));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("sessions", page.items().stream().map(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("sessionId", s.id());
            m.put("workerId", s.workerId());
            m.put("status", s.status());
            m.put("phoneNumber", s.phoneNumber());
            m.put("createdAt", Instant.ofEpochMilli(s.createdAt()).toString());
            m.put("updatedAt", Instant.ofEpochMilli(s.updatedAt()).toString());
            return m;
        }).toList());
        data.put("count", page.total());
        data.put("nextCursor", page.nextCursor());
        ctx.json(GatewayApi.ok(data));
    }

    private void session(Context ctx) {
        callers.require(ctx, Permission.READ);
        ChatSession s = f.chatSessions().find(ctx.pathParam("sessionId"))
                .orElseThrow(() -> new NotFoundException("SESSION_NOT_FOUND", "Session not found"));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("sessionId", s.id());
        data.put("workerId", s.workerId());
        data.put("status", s.status());
        data.put("phoneNumber", s.phoneNumber());
        data.put("qrCode", s.qrCode());
        data.put("qrString", s.qrString());
        data.put("createdAt", Instant.ofEpochMilli(s.createdAt()).toString());
        data.put("updatedAt", Instant.ofEpochMilli(s.updatedAt()).toString());
        ctx.json(GatewayApi.ok(data));
    }

    /**
     * Ours, not the spec's: the event log, newest first, filtered; {@code latestId} is where the
     * stream (Last-Event-ID) takes over without a gap.
     */
    private void history(Context ctx) {
        callers.require(ctx, Permission.READ);
        int limit = QueryParams.integer(ctx, "limit", 100, 1, 1000);
        String cursor = QueryParams.text(ctx, "cursor");
        Long before = Page.numericCursor(cursor, "nextCursor");
        EventLog.Filter filter = new EventLog.Filter(QueryParams.text(ctx, "type"), QueryParams.text(ctx, "workerId"),
                QueryParams.text(ctx, "sessionId"));
        InvalidInputException.maxLength(filter.type(), "type", 100);
        InvalidInputException.maxLength(filter.workerId(), "workerId", 100);
        InvalidInputException.maxLength(filter.sessionId(), "sessionId", 200);
        EventLog.History history = f.events().history(filter, before, Page.probe(limit));
        Page.Window<Event> page = Page.window(history.events(), limit, e -> Long.toString(e.id()));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("events", page.items().stream().map(this::event).toList());
        data.put("nextCursor", page.nextCursor());
        data.put("latestId", history.latest());
        ctx.json(GatewayApi.ok(data));
    }

    /** Every event of every contract as Server-Sent Events, resumable with Last-Event-ID. */
    private void stream(Context ctx) throws IOException, InterruptedException {
        Principal caller = callers.require(ctx, Permission.READ);
        try (StreamLimits.Slot slot = streams.limits().take(ctx, caller.subject())) {
            EventStream.serve(ctx, all, ALL, List.of(), EventStream.lastEventId(ctx), EventStream.Ending.NEVER);
        }
    }

    private void queueCommand(Context ctx) {
        callers.admin(ctx);
        CommandBody b = json.read(ctx, CommandBody.class);
        if (b.type() == null || b.type().isBlank()) {
            throw new InvalidInputException("type", "type is required");
        }
        InvalidInputException.maxLength(b.type(), "type", 100);
        String payload = b.payload() == null || b.payload().isNull() ? null : b.payload().toString();
        if (payload != null && payload.length() > 64 * 1024) {
            throw new InvalidInputException("payload", "payload must be at most 64 KiB of JSON");
        }
        WorkerCommands.Command c = f.commands().queue(ctx.pathParam("workerId"), b.type(), payload);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", c.id());
        out.put("worker_id", c.workerId());
        out.put("type", c.type());
        out.put("payload", b.payload());
        out.put("created_at", Instant.ofEpochMilli(c.createdAt()).toString());
        ctx.status(201).json(out);
    }

    private Worker worker(Context ctx) {
        return f.workers().find(ctx.pathParam("workerId")).orElseThrow(OperatorRoutes::noSuchWorker);
    }

    private static NotFoundException noSuchWorker() {
        return new NotFoundException("WORKER_NOT_FOUND", "Worker not found");
    }

    /** {@code sessions}: the worker's live sessions; {@code last}: its newest metrics sample. */
    private Map<String, Object> view(Worker w, List<String> sessions, Optional<MetricsSample> last) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workerId", w.id());
        m.put("enrolledVia", w.enrolledVia());
        m.put("status", w.gatewayStatus());
        m.put("liveness", w.online() ? "online" : "offline");
        m.put("lastHeartbeat", Instant.ofEpochMilli(w.lastSeenAt()).toString());
        m.put("endpoint", w.endpoint());
        m.put("description", w.description());
        m.put("maxSessions", w.maxSessions());
        m.put("currentSessions", sessions.size());
        m.put("runningJobs", w.runningJobs());
        m.put("environment", w.environment());
        m.put("version", w.version());
        m.put("hostname", w.hostname());
        m.put("ip", w.ip());
        m.put("subdomain", w.subdomain());
        m.put("lastMetrics", last.map(this::sample).orElse(null));
        m.put("createdAt", Instant.ofEpochMilli(w.createdAt()).toString());
        return m;
    }

    private Map<String, Object> sample(MetricsSample s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", s.status());
        m.put("cpuUsage", s.cpuUsage());
        m.put("memoryUsage", s.memoryUsage());
        m.put("uptime", s.uptime());
        m.put("messageCount", s.messageCount());
        Map<String, Object> sessions = new LinkedHashMap<>();
        sessions.put("total", s.sessionTotal());
        sessions.put("connected", s.sessionConnected());
        sessions.put("disconnected", s.sessionDisconnected());
        sessions.put("qr_required", s.sessionQrRequired());
        sessions.put("reconnecting", s.sessionReconnecting());
        sessions.put("error", s.sessionError());
        m.put("sessions", sessions);
        m.put("extra", s.extra() == null ? null : tree(s.extra()));
        m.put("timestamp", s.reportedAt());
        m.put("receivedAt", Instant.ofEpochMilli(s.createdAt()).toString());
        return m;
    }

    private Map<String, Object> event(Event e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("type", e.type());
        m.put("source", e.source());
        m.put("workerId", e.workerId());
        m.put("known", e.known());
        m.put("sessionId", e.sessionId());
        m.put("messageId", e.messageId());
        m.put("data", tree(e.data()));
        m.put("receivedAt", Instant.ofEpochMilli(e.createdAt()).toString());
        return m;
    }

    private String eventJson(Event e) {
        try {
            return mapper.writeValueAsString(event(e));
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private JsonNode tree(String data) {
        try {
            return mapper.readTree(data);
        } catch (IOException e) {
            return mapper.getNodeFactory().textNode(data);
        }
    }

    /** ?since= as epoch milliseconds or an RFC 3339 time; absent means the last hour. */
    private long since(String raw) {
        if (raw == null || raw.isBlank()) {
            return clock.millis() - 3_600_000L;
        }
        try {
            return raw.matches("[0-9]{1,15}") ? Long.parseLong(raw) : Instant.parse(raw).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new InvalidInputException("since", "since must be epoch milliseconds or an RFC 3339 time");
        }
    }
}
