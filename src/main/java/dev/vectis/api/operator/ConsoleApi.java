package dev.vectis.api.operator;

import dev.vectis.auth.Permission;
import dev.vectis.auth.Principal;
import dev.vectis.auth.StreamTickets;
import dev.vectis.error.InvalidInputException;
import dev.vectis.http.AuditTrail;
import dev.vectis.http.Callers;
import dev.vectis.http.ContractApi;
import dev.vectis.http.ErrorShape;
import dev.vectis.http.JsonBody;
import dev.vectis.http.PathPrefix;
import dev.vectis.http.SuccessEnvelope;
import dev.vectis.metrics.FleetHistory;
import dev.vectis.metrics.Overview;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;

/**
 * What the console (and any other client of the operator API) needs beside the contracts'
 * own endpoints: who the token is ({@code GET /api/v1/whoami}), the fleet at a glance
 * ({@code GET /api/v1/overview}) and tickets for event streams ({@code POST /api/v1/stream-tickets}).
 * Answers and errors are in the shape of the other operator endpoints under /api/v1. See docs/console.md.
 */
public final class ConsoleApi implements ContractApi {

    /** A background loop of the node answering, as the overview shows it. */
    public record LoopHealth(String name, long lastSuccessMillis, long failures) {
    }

    record TicketBody(String path) {
    }

    /** The streams a ticket may open: the operator event stream, and one job's output. */
    static final Pattern STREAMS = Pattern.compile("/api/v1/events/stream|/api/jobs/[A-Za-z0-9_.-]{1,100}/events");
    private static final PathPrefix[] PATHS = {new PathPrefix("/api/v1/whoami"), new PathPrefix("/api/v1/overview"),
        new PathPrefix("/api/v1/stream-tickets")};

    private final Callers callers;
    private final JsonBody json;
    private final Jdbi jdbi;
    private final Clock clock;
    private final Supplier<List<LoopHealth>> loops;
    private final FleetHistory history;

    public ConsoleApi(Callers callers, JsonBody json, Jdbi jdbi, Clock clock, Supplier<List<LoopHealth>> loops,
                      FleetHistory history) {
        this.callers = callers;
        this.json = json;
        this.jdbi = jdbi;
        this.clock = clock;
        this.loops = loops;
        this.history = history;
    }

    @Override
    public boolean owns(String path) {
        return PathPrefix.any(path, PATHS);
    }

    @Override
    public ErrorShape errorShape() {
        return SuccessEnvelope::error;
    }

    @Override
    public void routes(RoutesConfig routes) {
        routes.get("/api/v1/whoami", this::whoami);
        routes.get("/api/v1/overview", this::overview);
        routes.post("/api/v1/stream-tickets", this::ticket);
    }

    /** Any operator's token: the role and what it grants, so a client shows only what it may do. */
    private void whoami(Context ctx) {
        Principal p = callers.require(ctx, Permission.READ, Permission.SUBMIT);
        List<String> granted = new ArrayList<>();
        for (Permission permission : new Permission[] {Permission.READ, Permission.OPERATE, Permission.SUBMIT,
            Permission.MANAGE}) {
            if (permission.allows(p.role())) {
                granted.add(permission.name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        ctx.json(SuccessEnvelope.ok(new ConsoleViews.Whoami(p.id(), p.name(), p.role().wire(), granted)));
    }

    private void overview(Context ctx) {
        callers.require(ctx, Permission.READ);
        Overview.Snapshot snapshot = jdbi.withHandle(h -> Overview.read(h, clock.millis()));
        ConsoleViews.OverviewView data = new ConsoleViews.OverviewView(snapshot, history.series(),
                loops.get().stream().map(l -> new ConsoleViews.LoopView(l.name(), l.lastSuccessMillis() == 0 ? null
                        : Instant.ofEpochMilli(l.lastSuccessMillis()).toString(), l.failures())).toList());
        ctx.json(SuccessEnvelope.ok(data));
    }

    /**
     * A single-use ticket for one event stream. The stream still checks the ticket's token
     * against its own permission when it is opened, so a ticket grants nothing the token lacks.
     */
    private void ticket(Context ctx) {
        callers.require(ctx, Permission.READ, Permission.SUBMIT);
        TicketBody b = json.read(ctx, TicketBody.class);
        if (b.path() == null || b.path().isBlank()) {
            throw new InvalidInputException("path", "path is required: the event stream the ticket opens, "
                    + "e.g. /api/v1/events/stream");
        }
        InvalidInputException.maxLength(b.path(), "path", 200);
        if (!STREAMS.matcher(b.path()).matches()) {
            throw new InvalidInputException("path", "path must be /api/v1/events/stream or /api/jobs/{jobId}/events");
        }
        AuditTrail.target(ctx, "stream:" + b.path());
        StreamTickets.Issued issued = callers.ticketFor(ctx, b.path());
        ctx.status(201).json(SuccessEnvelope.ok(new ConsoleViews.Ticket(issued.ticket(), b.path(),
                Instant.ofEpochMilli(issued.expiresAt()).toString())));
    }
}
