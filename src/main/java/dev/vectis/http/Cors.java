package dev.vectis.http;

import io.javalin.http.Context;
import java.util.List;

/**
 * CORS per server.cors.allowed_origins. Nothing is allowed by default. Credentials are
 * never allowed: every contract authenticates with a bearer header, not cookies.
 */
final class Cors {

    private static final String EXPOSED = "X-Request-Id, X-Exec-Id, Retry-After, RateLimit, RateLimit-Policy, "
            + "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset";
    private static final String METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";

    private final List<String> allowed;

    Cors(List<String> allowedOrigins) {
        this.allowed = List.copyOf(allowedOrigins);
    }

    /** Adds the CORS headers; answers a preflight itself and returns true when it did. */
    boolean handle(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null || allowed.isEmpty()) {
            return false;
        }
        boolean any = allowed.contains("*");
        if (!any && !allowed.contains(origin)) {
            return false;
        }
        ctx.header("Access-Control-Allow-Origin", any ? "*" : origin);
        if (!any) {
            ctx.header("Vary", "Origin");
        }
        ctx.header("Access-Control-Expose-Headers", EXPOSED);
        boolean preflight = "OPTIONS".equals(ctx.method().name())
                && ctx.header("Access-Control-Request-Method") != null;
        if (preflight) {
            ctx.header("Access-Control-Allow-Methods", METHODS);
            String requested = ctx.header("Access-Control-Request-Headers");
            ctx.header("Access-Control-Allow-Headers", requested == null || requested.isBlank()
                    ? "Authorization, Content-Type, Idempotency-Key, X-Request-Id" : requested);
            ctx.header("Access-Control-Max-Age", "600");
            ctx.status(204);
        }
        return preflight;
    }
}
