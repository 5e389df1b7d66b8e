package dev.vectis.http;

import io.javalin.http.Context;

/** Headers every response carries; set before the handler so streamed responses have them too. */
final class SecurityHeaders {

    static final String API_CSP = "default-src 'none'; frame-ancestors 'none'";
    /** No inline script or style, nothing from elsewhere; data: images are the chat sessions' QR codes. */
    static final String HTML_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            + "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /** The headers that do not depend on the request. */
    static final String[][] STATIC = {
        {"X-Content-Type-Options", "nosniff"},
        {"X-Frame-Options", "DENY"},
        {"Referrer-Policy", "no-referrer"},
        {"Content-Security-Policy", API_CSP},
    };

    private final ClientAddress clients;

    SecurityHeaders(ClientAddress clients) {
        this.clients = clients;
    }

    void before(Context ctx) {
        for (String[] header : STATIC) {
            ctx.header(header[0], header[1]);
        }
        if (clients.secure(ctx)) {
            ctx.header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
        }
    }

    /** Pages need to load their own scripts and styles; API responses need nothing; a page may set its own. */
    void after(Context ctx) {
        String type = ctx.res().getContentType();
        if (type != null && type.startsWith("text/html") && !ctx.res().isCommitted()
                && API_CSP.equals(ctx.res().getHeader("Content-Security-Policy"))) {
            ctx.header("Content-Security-Policy", HTML_CSP);
        }
    }
}
