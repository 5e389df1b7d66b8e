package dev.vectis.api.health;

import dev.vectis.auth.Credentials;
import dev.vectis.auth.Tokens;
import dev.vectis.db.Database;
import dev.vectis.error.AuthenticationException;
import dev.vectis.http.ContractApi;
import dev.vectis.http.ErrorShape;
import dev.vectis.http.HouseErrors;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * GET /livez (the process answers: nothing else is asked), GET /health (and the database
 * answers too) and GET /metrics (Prometheus text). An orchestrator restarts a node whose
 * /livez fails and stops sending it traffic while /health fails: restarting every node because
 * the shared database is away would not bring it back.
 */
public final class HealthApi implements ContractApi {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HealthApi.class);

    static final Duration DATABASE_TIMEOUT = Duration.ofSeconds(2);

    private final Database database;
    private final PrometheusMeterRegistry registry;
    private final String version;
    private final Clock clock;
    /** metrics.token's hash: when set, a scrape must present it as a bearer token. */
    private final Optional<String> metricsTokenSha256;

    public HealthApi(Database database, PrometheusMeterRegistry registry, String version, Clock clock,
                     Optional<String> metricsTokenSha256) {
        this.database = database;
        this.registry = registry;
        this.version = version;
        this.clock = clock;
        this.metricsTokenSha256 = metricsTokenSha256;
    }

    @Override
    public boolean owns(String path) {
        return path.equals("/livez") || path.equals("/health") || path.equals("/metrics");
    }

    @Override
    public ErrorShape errorShape() {
        return new HouseErrors();
    }

    @Override
    public void routes(RoutesConfig routes) {
        routes.get("/livez", this::live);
        routes.get("/health", this::health);
        routes.get("/metrics", this::metrics);
    }

    private void live(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.json(new Alive("alive"));
    }

    /** What /livez answers. */
    record Alive(String status) {
    }

    public void health(Context ctx) {
        health(ctx, "vectis");
    }

    /** The same check under a contract's own path and name (provider-registry.md's "service"). */
    public io.javalin.http.Handler healthAs(String service) {
        return ctx -> health(ctx, service);
    }

    private void health(Context ctx, String service) {
        String problem = database.ping(DATABASE_TIMEOUT);
        if (problem != null) {
            // The driver's text names hosts and users: it goes to the log, not to anonymous callers.
            LOG.warn("Health check: the database did not answer: {}", problem);
        }
        Health body = new Health(problem == null ? "healthy" : "unhealthy", service,
                clock.instant().truncatedTo(ChronoUnit.SECONDS).toString(), version,
                problem == null ? null : "database: not reachable");
        ctx.header("Cache-Control", "no-store");
        ctx.status(problem == null ? 200 : 503).json(body);
    }

    private void metrics(Context ctx) {
        if (metricsTokenSha256.isPresent()
                && !Tokens.matchesHash(metricsTokenSha256.get(), Credentials.bearer(ctx.header("Authorization")))) {
            throw new AuthenticationException("Send the metrics token: Authorization: Bearer <metrics.token>");
        }
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
    }
}
