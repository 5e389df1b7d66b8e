package dev.vectis.api.operator;

import dev.vectis.http.SuccessEnvelope;
import dev.vectis.auth.Permission;
import dev.vectis.db.Page;
import dev.vectis.error.InvalidInputException;
import dev.vectis.events.Event;
import dev.vectis.events.EventLog;
import dev.vectis.http.Callers;
import dev.vectis.http.JsonBody;
import dev.vectis.http.QueryParams;
import dev.vectis.workers.Fleet;
import dev.vectis.workers.FleetQuery;
import dev.vectis.workers.FleetWorker;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** The fleet view's routes; every one takes the admin token. */
final class FleetRoutes {

    /** The optional body of a state change: why, kept in its event. */
    record ActionBody(String reason) {
    }

    private static final String WORKER = FleetViewApi.PREFIX + "/workers/{workerId}";

    private final Callers callers;
    private final JsonBody json;
    private final FleetViews views;
    private final Fleet fleet;
    private final EventLog events;

    FleetRoutes(Callers callers, JsonBody json, FleetViews views, Fleet fleet, EventLog events) {
        this.callers = callers;
        this.json = json;
        this.views = views;
        this.fleet = fleet;
        this.events = events;
    }

    void register(RoutesConfig routes) {
        routes.get(FleetViewApi.PREFIX + "/workers", this::list);
        routes.get(WORKER, this::show);
        routes.get(WORKER + "/events", this::events);
        routes.post(WORKER + "/drain", ctx -> change(ctx, fleet::drain));
        routes.post(WORKER + "/maintenance", ctx -> change(ctx, fleet::maintenance));
        routes.post(WORKER + "/disable", ctx -> change(ctx, fleet::disable));
        routes.post(WORKER + "/resume", ctx -> change(ctx, fleet::resume));
    }

    private void list(Context ctx) {
        callers.require(ctx, Permission.READ);
        String order = QueryParams.text(ctx, "order");
        if (order != null && !order.equals("asc") && !order.equals("desc")) {
            throw new InvalidInputException("order", "order must be asc or desc");
        }
        String sort = QueryParams.text(ctx, "sort");
        FleetQuery q = new FleetQuery(values(ctx, "state"), values(ctx, "contract"), labels(ctx),
                QueryParams.text(ctx, "q"), sort == null ? FleetQuery.Sort.ID : FleetQuery.Sort.of(sort),
                "desc".equals(order), QueryParams.text(ctx, "cursor"), QueryParams.integer(ctx, "limit", 100, 1, 1000));
        Page<FleetWorker> page = fleet.list(q);
        ctx.json(SuccessEnvelope.ok(new FleetViews.WorkerPage(page.items().stream().map(views::worker).toList(), page.total(),
                page.nextCursor())));
    }

    private void show(Context ctx) {
        callers.require(ctx, Permission.READ);
        ctx.json(SuccessEnvelope.ok(views.worker(fleet.get(ctx.pathParam("workerId")))));
    }

    /** Newest first, as the gateway's per-worker history: a cursor is the id to read before. */
    private void events(Context ctx) {
        callers.require(ctx, Permission.READ);
        FleetWorker w = fleet.get(ctx.pathParam("workerId"));
        int limit = QueryParams.integer(ctx, "limit", 100, 1, 1000);
        String cursor = QueryParams.text(ctx, "cursor");
        Page.Window<Event> page = events.forWorker(w.id(), Page.numericCursor(cursor, "nextCursor"), limit);
        ctx.json(SuccessEnvelope.ok(new FleetViews.WorkerEvents(w.id(), page.items().stream().map(views::event).toList(),
                page.nextCursor())));
    }

    private void change(Context ctx, BiFunction<String, String, FleetWorker> action) {
        callers.require(ctx, Permission.OPERATE);
        String reason = ctx.bodyAsBytes().length == 0 ? null : json.read(ctx, ActionBody.class).reason();
        ctx.json(SuccessEnvelope.ok(views.worker(action.apply(ctx.pathParam("workerId"), reason))));
    }

    /** A filter's values: the parameter repeated, or comma-separated, or both. */
    private static List<String> values(Context ctx, String name) {
        List<String> values = new ArrayList<>();
        for (String raw : ctx.queryParams(name)) {
            for (String v : raw.split(",")) {
                if (!v.isBlank()) {
                    values.add(v.trim());
                }
            }
        }
        return values;
    }

    /** {@code label=key=value}, repeated for several labels, all of which must match. */
    private static Map<String, String> labels(Context ctx) {
        // A map, not a record: the keys are label names the caller chooses.
        Map<String, String> labels = new LinkedHashMap<>();
        for (String raw : ctx.queryParams("label")) {
            int eq = raw.indexOf('=');
            if (eq <= 0) {
                throw new InvalidInputException("label", "label must be key=value, as in label=os=linux");
            }
            String key = raw.substring(0, eq).trim();
            String value = raw.substring(eq + 1).trim();
            InvalidInputException.maxLength(key, "label", 100);
            InvalidInputException.maxLength(value, "label", 200);
            if (labels.put(key, value) != null) {
                throw new InvalidInputException("label", "label " + key + " is given twice");
            }
        }
        return labels;
    }
}
