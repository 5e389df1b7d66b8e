package dev.vectis.http;

import dev.vectis.auth.Credentials;
import dev.vectis.error.AuthenticationException;
import dev.vectis.error.ForbiddenException;
import io.javalin.http.Context;

/**
 * Who may call worker and operator endpoints: worker calls take a worker token, the admin
 * token or an enrolled worker's signature, and act only for the workers that credential may
 * speak for; operator calls take the admin token.
 */
public final class Callers {

    private final Credentials credentials;
    private final WorkerSignatures signatures;

    public Callers(Credentials credentials, WorkerSignatures signatures) {
        this.credentials = credentials;
        this.signatures = signatures;
    }

    public void worker(Context ctx) {
        if (signatures.verify(ctx).isPresent()) {
            return;
        }
        role(ctx, "a worker token or the admin token (or sign the request: docs/worker-signatures.md)");
    }

    /** The call acts for this worker: see {@link WorkerSignatures#requireMayActFor}. */
    public void actingFor(Context ctx, String workerId) {
        signatures.requireMayActFor(ctx, workerId);
    }

    public void admin(Context ctx) {
        if (role(ctx, "the admin token") == Credentials.Role.WORKER) {
            throw new ForbiddenException("ADMIN_REQUIRED", "This endpoint needs the admin token, not a worker token");
        }
    }

    /** True for the admin token or a worker token: valid credentials that are not a user's. */
    public boolean isPrivileged(String bearer) {
        return credentials.roleOf(bearer) != Credentials.Role.NONE;
    }

    /** Checks a signature when one is sent, and nothing else: for contracts served without tokens. */
    public void signatureIfPresent(Context ctx) {
        signatures.verify(ctx);
    }

    private Credentials.Role role(Context ctx, String expected) {
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw new AuthenticationException("Missing Authorization header: send 'Authorization: Bearer <token>' with "
                    + expected);
        }
        Credentials.Role role = credentials.roleOfSha256(PresentedToken.of(ctx).sha256());
        if (role == Credentials.Role.NONE) {
            throw new AuthenticationException("Invalid token in the Authorization header");
        }
        return role;
    }
}
