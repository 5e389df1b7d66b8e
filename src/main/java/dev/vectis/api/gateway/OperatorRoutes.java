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
import java.util.List;
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
        OperatorViews.WorkerList data = f.workers().onOneConnection(() -> {
            Page<Worker> p = f.workers().list(cursor, limit);
            return new OperatorViews.WorkerList(p.items().stream().map(w -> view(w, f.chatSessions().liveOn(w.id()),
                    f.metrics().latest(w.id()).stream().findFirst())).toList(), p.total(), p.nextCursor());
        });
        ctx.json(GatewayApi.ok(data));
    }

    private void show(Context ctx) {
        callers.require(ctx, Permission.READ);
        WorkerOverview o = f.workers().overview(ctx.pathParam("workerId"), f.chatSessions().endedStates())
                .orElseThrow(OperatorRoutes::noSuchWorker);
        ctx.json(GatewayApi.ok(new OperatorViews.WorkerDetail(view(o.worker(), o.liveSessions(), o.lastMetrics()),
                o.liveSessions())));
    }

    private void metrics(Context ctx) {
        callers.require(ctx, Permission.READ);
        Worker w = worker(ctx);
        long since = since(ctx.queryParam("since"));
        int limit = QueryParams.integer(ctx, "limit", 1000, 1, 10_000);
        ctx.json(GatewayApi.ok(new OperatorViews.MetricsList(w.id(),
                f.metrics().since(w.id(), since, limit).stream().map(this::sample).toList())));
    }

    private void events(Context ctx) {
        callers.require(ctx, Permission.READ);
        Worker w = worker(ctx);
        int limit = QueryParams.integer(ctx, "limit", 100, 1, 1000);
        String cursor = QueryParams.text(ctx, "cursor");
        Page.Window<Event> events = f.events().forWorker(w.id(), Page.numericCursor(cursor, "nextCursor"), limit);
        ctx.json(GatewayApi.ok(new OperatorViews.EventPage(events.items().stream().map(this::event).toList(),
                events.nextCursor())));
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
        ctx.json(GatewayApi.ok(new OperatorViews.SessionList(page.items().stream()
                .map(s -> new OperatorViews.SessionSummary(s.id(), s.workerId(), s.status(), s.phoneNumber(),
                        time(s.createdAt()), time(s.updatedAt())))
                .toList(), page.total(), page.nextCursor())));
    }

    private void session(Context ctx) {
        callers.require(ctx, Permission.READ);
        ChatSession s = f.chatSessions().find(ctx.pathParam("sessionId"))
                .orElseThrow(() -> new NotFoundException("SESSION_NOT_FOUND", "Session not found"));
        ctx.json(GatewayApi.ok(new OperatorViews.SessionView(s.id(), s.workerId(), s.status(), s.phoneNumber(),
                s.qrCode(), s.qrString(), time(s.createdAt()), time(s.updatedAt()))));
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
        ctx.json(GatewayApi.ok(new OperatorViews.EventHistory(page.items().stream().map(this::event).toList(),
                page.nextCursor(), history.latest())));
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
        ctx.status(201).json(new OperatorViews.QueuedCommand(c.id(), c.workerId(), c.type(), b.payload(),
                time(c.createdAt())));
    }

    private Worker worker(Context ctx) {
        return f.workers().find(ctx.pathParam("workerId")).orElseThrow(OperatorRoutes::noSuchWorker);
    }

    private static NotFoundException noSuchWorker() {
        return new NotFoundException("WORKER_NOT_FOUND", "Worker not found");
    }

    /** {@code sessions}: the worker's live sessions; {@code last}: its newest metrics sample. */
    private OperatorViews.WorkerView view(Worker w, List<String> sessions, Optional<MetricsSample> last) {
        return new OperatorViews.WorkerView(w.id(), w.enrolledVia(), w.gatewayStatus(),
                w.online() ? "online" : "offline", time(w.lastSeenAt()), w.endpoint(), w.description(),
                w.maxSessions(), sessions.size(), w.runningJobs(), w.environment(), w.version(), w.hostname(), w.ip(),
                w.subdomain(), last.map(this::sample).orElse(null), time(w.createdAt()));
    }

    private OperatorViews.MetricsView sample(MetricsSample s) {
        return new OperatorViews.MetricsView(s.status(), s.cpuUsage(), s.memoryUsage(), s.uptime(), s.messageCount(),
                new OperatorViews.SessionCounts(s.sessionTotal(), s.sessionConnected(), s.sessionDisconnected(),
                        s.sessionQrRequired(), s.sessionReconnecting(), s.sessionError()),
                s.extra() == null ? null : tree(s.extra()), s.reportedAt(), time(s.createdAt()));
    }

    private OperatorViews.EventView event(Event e) {
        return new OperatorViews.EventView(e.id(), e.type(), e.source(), e.workerId(), e.known(), e.sessionId(),
                e.messageId(), tree(e.data()), time(e.createdAt()));
    }

    private static String time(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
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
