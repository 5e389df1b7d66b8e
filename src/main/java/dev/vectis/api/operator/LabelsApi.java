package dev.vectis.api.operator;

import dev.vectis.auth.Permission;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.error.InvalidInputException;
import dev.vectis.events.EventLog;
import dev.vectis.events.NewEvent;
import dev.vectis.http.Callers;
import dev.vectis.http.ContractApi;
import dev.vectis.http.ErrorShape;
import dev.vectis.http.JsonBody;
import dev.vectis.http.SuccessEnvelope;
import dev.vectis.workers.Labels;
import dev.vectis.workers.WorkerLabels;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An operator's view and setting of one worker's labels (docs/operations.md, "Worker labels"),
 * with the admin token, in the shape of the other /api/v1 operator endpoints.
 */
public final class LabelsApi implements ContractApi {

    private static final Pattern PATH = Pattern.compile("/api/v1/fleet/workers/[^/]+/labels/?");

    private final Callers callers;
    private final JsonBody json;
    private final WorkerLabels labels;
    private final EventLog events;

    public LabelsApi(Callers callers, JsonBody json, WorkerLabels labels, EventLog events) {
        this.callers = callers;
        this.json = json;
        this.labels = labels;
        this.events = events;
    }

    @Override
    public boolean owns(String path) {
        return PATH.matcher(path).matches();
    }

    @Override
    public void routes(RoutesConfig routes) {
        routes.get("/api/v1/fleet/workers/{workerId}/labels", this::show);
        routes.put("/api/v1/fleet/workers/{workerId}/labels", this::replace);
    }

    @Override
    public ErrorShape errorShape() {
        return SuccessEnvelope::error;
    }

    private void show(Context ctx) {
        callers.require(ctx, Permission.READ);
        String id = ctx.pathParam("workerId");
        ctx.json(ok(id, labels.get(id)));
    }

    /** The body is the whole set: keys left out are removed, {} removes them all. */
    private void replace(Context ctx) {
        callers.require(ctx, Permission.MANAGE);
        String id = ctx.pathParam("workerId");
        JsonNode body;
        try {
            body = json.tree(ctx);
        } catch (InvalidInputException e) {
            // The body is the labels: name them, not "body".
            throw new InvalidInputException("labels", "labels: " + e.getMessage());
        }
        Labels wanted = Labels.fromJson(body, "labels");
        if (labels.replace(id, wanted)) {
            // A map, as NewEvent (dev.vectis.events) takes an event's data.
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("workerId", id);
            data.put("labels", wanted.pairs());
            events.append(NewEvent.of("worker.labels", "operator", id, data));
        }
        ctx.json(ok(id, wanted));
    }

    /** One worker's labels; the keys are the labels' own names, so they stay a map. */
    record WorkerLabelsView(String workerId, Map<String, String> labels) {
    }

    private static SuccessEnvelope.Ok<WorkerLabelsView> ok(String workerId, Labels labels) {
        return SuccessEnvelope.ok(new WorkerLabelsView(workerId, labels.pairs()));
    }
}
