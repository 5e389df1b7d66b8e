package dev.vectis.api.fleet;

import dev.vectis.auth.Credentials;
import dev.vectis.auth.Permission;
import dev.vectis.error.AuthenticationException;
import dev.vectis.error.ConflictException;
import dev.vectis.error.ForbiddenException;
import dev.vectis.error.InvalidInputException;
import dev.vectis.http.ContractApi;
import dev.vectis.http.ErrorShape;
import dev.vectis.http.JsonBody;
import dev.vectis.net.IpLiteral;
import dev.vectis.workers.FleetEnrolment;
import dev.vectis.workers.FleetEnrolments;
import dev.vectis.workers.Pace;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.InetAddress;

/**
 * fleet-registration.md: POST /api/v1/workers, exactly that path (deeper paths are the
 * gateway's), plus what a new machine downloads to join: /install.sh and the agent jar.
 */
public final class FleetApi implements ContractApi {

    /** {@code hostname} is ours, not the document's: agents send it so operators see a name. */
    record Body(String ip, String secret, String hostname) {
    }

    static final int MIN_SECRET = 32;
    static final int MAX_SECRET = 512;
    static final int MAX_HOSTNAME = 255;

    private final Credentials credentials;
    private final JsonBody json;
    private final FleetEnrolments enrolments;
    private final Pace pace;
    private final Downloads downloads = new Downloads();

    public FleetApi(Credentials credentials, JsonBody json, FleetEnrolments enrolments, Pace pace) {
        this.credentials = credentials;
        this.json = json;
        this.enrolments = enrolments;
        this.pace = pace;
    }

    @Override
    public boolean owns(String path) {
        return path.equals("/api/v1/workers") || path.equals("/api/v1/workers/") || path.equals("/install.sh")
                || path.startsWith("/downloads/");
    }

    /** GET /api/v1/workers is the gateway's operator list; only POST there is this contract's. */
    @Override
    public boolean owns(String method, String path) {
        if (path.equals("/api/v1/workers") || path.equals("/api/v1/workers/")) {
            return method.equals("POST");
        }
        return owns(path);
    }

    @Override
    public void routes(RoutesConfig routes) {
        routes.post("/api/v1/workers", this::enrol);
        routes.get("/install.sh", downloads::installScript);
        routes.get("/downloads/vectis.jar", downloads::agentJar);
    }

    private void enrol(Context ctx) {
        Credentials.Role role = credentials.roleOf(Credentials.bearer(ctx.header("Authorization")));
        if (role == Credentials.Role.NONE) {
            throw new AuthenticationException("Invalid or missing token");
        }
        if (!Permission.WORK.allows(role)) {
            throw new ForbiddenException("WORKER_TOKEN_REQUIRED", "Enrolment needs a worker token or an admin token");
        }
        Body body = json.read(ctx, Body.class);
        if (body.ip() == null || body.ip().isBlank()) {
            throw new InvalidInputException("ip", "IP address is required");
        }
        InetAddress ip = IpLiteral.parse(body.ip())
                .orElseThrow(() -> new InvalidInputException("ip", "IP address must be an IPv4 or IPv6 address"));
        if (body.secret() == null || body.secret().isBlank()) {
            throw new InvalidInputException("secret", "Secret is required");
        }
        if (body.secret().length() < MIN_SECRET || body.secret().length() > MAX_SECRET) {
            throw new InvalidInputException("secret", "Secret must be " + MIN_SECRET + " to " + MAX_SECRET + " characters");
        }
        FleetEnrolment e = enrolments.enrol(IpLiteral.canonical(ip), body.secret(), hostname(body.hostname()));
        if (!e.created() && !e.secretMatches()) {
            // Nothing about the first machine: the caller has not proved it is that machine.
            throw new ConflictException("WORKER_EXISTS", "A worker with this IP is already registered");
        }
        // Ours, not the document's, for callers that speak ours (Vectis's agent and install.sh send a
        // hostname): the pace the server expects of the worker (docs/agent.md). Others get the document's body.
        boolean ours = body.hostname() != null;
        Enrolled out = new Enrolled(e.id(), e.subdomain(), e.ip(),
                ours ? pace.heartbeatInterval().toSeconds() : null, ours ? pace.offlineAfter().toSeconds() : null);
        // The same IP and secret is the same machine registering again (an install script's
        // re-sync after a lost answer): its identity, with a 2xx the script accepts.
        ctx.status(e.created() ? 201 : 200).json(out);
    }

    private static String hostname(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String name = value.trim();
        InvalidInputException.maxLength(name, "hostname", MAX_HOSTNAME);
        if (!name.chars().allMatch(c -> c > 0x20 && c != 0x7f)) {
            throw new InvalidInputException("hostname", "hostname must not contain spaces or control characters");
        }
        return name;
    }

    /** The spec's {@code {"error": "Invalid request", "message": "IP address is required"}}. */
    @Override
    public ErrorShape errorShape() {
        return FleetApi::errorBody;
    }

    public static FleetError errorBody(dev.vectis.http.ApiError e) {
        return new FleetError(title(e.status(), e.reason()), e.message());
    }

    private static String title(int status, String reason) {
        return switch (status) {
            case 400 -> "Invalid request";
            case 401 -> "Unauthorized";
            case 409 -> "Worker already exists";
            default -> reason;
        };
    }
}
