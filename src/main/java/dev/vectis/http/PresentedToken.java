package dev.vectis.http;

import dev.vectis.auth.Credentials;
import dev.vectis.auth.Tokens;
import io.javalin.http.Context;
import java.util.HexFormat;

/**
 * The bearer token a request presents, with its SHA-256: hashed once per request, however many
 * checks (rate limiter, then the handler's own) read it. Kept on the request only, never beyond.
 */
record PresentedToken(String token, byte[] sha256) {

    private static final String ATTRIBUTE = "vectis.presented_token";
    private static final PresentedToken NONE = new PresentedToken(null, null);

    /** The request's token; {@code token()} is null when it sends none. */
    static PresentedToken of(Context ctx) {
        PresentedToken known = ctx.attribute(ATTRIBUTE);
        if (known != null) {
            return known;
        }
        String bearer = Credentials.bearer(ctx.header("Authorization"));
        PresentedToken presented = bearer == null ? NONE : new PresentedToken(bearer, Tokens.sha256(bearer));
        ctx.attribute(ATTRIBUTE, presented);
        return presented;
    }

    /** A name for the token that does not reveal it: for keys of maps that outlive the request. */
    String sha256Hex() {
        return HexFormat.of().formatHex(sha256);
    }
}
