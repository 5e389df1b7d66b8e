package dev.vectis.api.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.events.EventLog;
import dev.vectis.http.Callers;
import dev.vectis.http.ContractApi;
import dev.vectis.http.ErrorShape;
import dev.vectis.http.JsonBody;
import dev.vectis.http.SuccessEnvelope;
import dev.vectis.workers.Fleet;
import io.javalin.config.RoutesConfig;

/**
 * The fleet view under /api/v1/fleet (docs/fleet.md): every worker of every contract in one
 * vocabulary, and the operator's drain, maintenance, disable and resume. Answers and errors
 * take the shape of the other operator endpoints under /api/v1 (the session gateway's).
 */
public final class FleetViewApi implements ContractApi {

    static final String PREFIX = "/api/v1/fleet";

    private final FleetRoutes routes;

    public FleetViewApi(Callers callers, ObjectMapper mapper, Fleet fleet, EventLog events) {
        this.routes = new FleetRoutes(callers, new JsonBody(mapper), new FleetViews(mapper), fleet, events);
    }

    @Override
    public boolean owns(String path) {
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
    }

    @Override
    public void routes(RoutesConfig config) {
        routes.register(config);
    }

    @Override
    public ErrorShape errorShape() {
        return SuccessEnvelope::error;
    }
}
