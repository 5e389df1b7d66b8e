package dev.vectis.api.marketplace;

import dev.vectis.auth.Credentials;
import dev.vectis.auth.Permission;
import dev.vectis.auth.Principal;
import dev.vectis.billing.Users;
import dev.vectis.error.AuthenticationException;
import dev.vectis.error.ForbiddenException;
import dev.vectis.http.Callers;
import io.javalin.http.Context;

/** The marketplace's two kinds of caller: operators (tokens with a role) and users (their own tokens). */
final class Access {

    private final Callers callers;
    private final Users users;

    Access(Callers callers, Users users) {
        this.callers = callers;
        this.users = users;
    }

    /** The admin role only; see {@link #require}. */
    Principal admin(Context ctx) {
        return require(ctx, Permission.MANAGE);
    }

    /** An operator's token granting {@code needed}; a user's token here is 403, not 401: it is valid, just not enough. */
    Principal require(Context ctx, Permission needed) {
        try {
            return callers.require(ctx, needed);
        } catch (AuthenticationException e) {
            if (users.authenticate(Credentials.bearer(ctx.header("Authorization"))).isPresent()) {
                throw new ForbiddenException("ADMIN_REQUIRED", "This endpoint needs an operator's token, not a user's");
            }
            throw e;
        }
    }

    /** The calling user's id. {@code allowQuery}: browsers' EventSource cannot send headers. */
    String user(Context ctx, boolean allowQuery) {
        String bearer = Credentials.bearer(ctx.header("Authorization"));
        if (bearer == null && allowQuery) {
            bearer = ctx.queryParam("access_token");
        }
        if (bearer == null) {
            throw new AuthenticationException("Missing Authorization header: send 'Authorization: Bearer <user token>'");
        }
        String token = bearer;
        return users.authenticate(token).orElseThrow(() -> {
            if (callers.isPrivileged(token)) {
                return new ForbiddenException("USER_REQUIRED", "This endpoint needs a user's token");
            }
            return new AuthenticationException("Invalid or expired token");
        });
    }
}
