package dev.vectis.http;

import dev.vectis.db.Contention;
import dev.vectis.db.DatabaseBusyException;
import dev.vectis.error.UnavailableException;
import dev.vectis.error.VectisException;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place failures become HTTP: picks the contract that owns the path and lets it
 * write the body in its own shape. Unexpected exceptions are logged with the request id and
 * answered 500 without any detail.
 */
public final class ErrorRenderer {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorRenderer.class);
    /** Marks a response whose error body is already written, so Javalin's error pages leave it alone. */
    static final String RENDERED = "vectis.error.rendered";

    private final List<ContractApi> apis;
    private final ErrorShape fallback;
    private final Clock clock;

    public ErrorRenderer(List<ContractApi> apis, ErrorShape fallback, Clock clock) {
        this.apis = List.copyOf(apis);
        this.fallback = fallback;
        this.clock = clock;
    }

    Clock clock() {
        return clock;
    }

    ErrorShape fallback() {
        return fallback;
    }

    public ErrorShape shapeFor(String method, String path) {
        ContractApi api = ContractApi.owner(apis, method, path);
        return api == null ? fallback : api.errorShape();
    }

    public void render(Context ctx, VectisException e) {
        int status = status(e.kind());
        if (status == 401) {
            ctx.header("WWW-Authenticate", "Bearer");
        }
        if (e instanceof UnavailableException u && u.retryAfterSeconds() > 0) {
            ctx.header("Retry-After", Integer.toString(u.retryAfterSeconds()));
        }
        write(ctx, new ApiError(status, reason(status), e.code(), e.getMessage(), e.field(), e.violations(),
                RequestIds.of(ctx), clock.instant()));
    }

    public void render(Context ctx, int status, String message) {
        write(ctx, new ApiError(status, reason(status), defaultCode(status), message, null, List.of(),
                RequestIds.of(ctx), clock.instant()));
    }

    public void renderUnexpected(Context ctx, Exception e) {
        if (Contention.busy(e)) {
            // A lone statement outside any transaction that lost a race, or a lock wait that ran out.
            LOG.warn("{} {} (request {}) lost a race in the database: {}", ctx.method(), ctx.path(),
                    RequestIds.of(ctx), Contention.describe(e));
            render(ctx, new DatabaseBusyException());
            return;
        }
        LOG.error("Unhandled error in {} {} (request {})", ctx.method(), ctx.path(), RequestIds.of(ctx), e);
        render(ctx, 500, "Internal server error; quote request id " + RequestIds.of(ctx) + " when reporting it");
    }

    static boolean rendered(Context ctx) {
        return Boolean.TRUE.equals(ctx.attribute(RENDERED));
    }

    private void write(Context ctx, ApiError error) {
        ctx.attribute(RENDERED, true);
        ctx.status(error.status()).json(shapeFor(ctx.method().name(), ctx.path()).body(error));
    }

    static int status(VectisException.Kind kind) {
        return switch (kind) {
            case INVALID_REQUEST -> 400;
            case UNAUTHORIZED -> 401;
            case PAYMENT_REQUIRED -> 402;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case PAYLOAD_TOO_LARGE -> 413;
            case UNPROCESSABLE -> 422;
            case RATE_LIMITED -> 429;
            case UNAVAILABLE -> 503;
        };
    }

    private static String reason(int status) {
        HttpStatus known = HttpStatus.forStatus(status);
        return known == HttpStatus.UNKNOWN ? "Error" : known.getMessage();
    }

    static String defaultCode(int status) {
        return switch (status) {
            case 400 -> "INVALID_REQUEST";
            case 401 -> "UNAUTHORIZED";
            case 403 -> "FORBIDDEN";
            case 404 -> "NOT_FOUND";
            case 405 -> "METHOD_NOT_ALLOWED";
            case 413 -> "PAYLOAD_TOO_LARGE";
            case 429 -> "RATE_LIMITED";
            case 503 -> "SERVICE_UNAVAILABLE";
            default -> status >= 500 ? "INTERNAL_ERROR" : reason(status).toUpperCase(Locale.ROOT).replace(' ', '_');
        };
    }
}
