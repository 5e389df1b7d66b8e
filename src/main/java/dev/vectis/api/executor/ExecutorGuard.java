package dev.vectis.api.executor;

import dev.vectis.auth.Credentials;
import dev.vectis.config.Settings;
import dev.vectis.error.AuthenticationException;
import dev.vectis.error.ForbiddenException;
import dev.vectis.http.WorkerSignatures;
import io.javalin.http.Context;

/**
 * Who may call what under executor.auth: token. Worker calls take a worker token or the
 * admin token; submitting and reading jobs takes the admin token. With executor.auth: none
 * the contract is served as written, without any header.
 */
final class ExecutorGuard {

    private final Settings.ExecutorAuth mode;
    private final Credentials credentials;
    private final WorkerSignatures signatures;

    ExecutorGuard(Settings.ExecutorAuth mode, Credentials credentials, WorkerSignatures signatures) {
        this.mode = mode;
        this.credentials = credentials;
        this.signatures = signatures;
    }

    /** A worker token, the admin token, or an enrolled worker's signature (checked whenever present). */
    void worker(Context ctx) {
        if (signatures.verify(ctx).isPresent()) {
            return;
        }
        role(ctx, "a worker token or the admin token (or sign the request: docs/worker-signatures.md)");
    }

    void admin(Context ctx) {
        if (role(ctx, "the admin token") == Credentials.Role.WORKER) {
            throw new ForbiddenException("ADMIN_REQUIRED", "This endpoint needs the admin token, not a worker token");
        }
    }

    private Credentials.Role role(Context ctx, String expected) {
        if (mode == Settings.ExecutorAuth.NONE) {
            return Credentials.Role.ADMIN;
        }
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw new AuthenticationException("Missing Authorization header: send 'Authorization: Bearer <token>' with "
                    + expected);
        }
        Credentials.Role role = credentials.roleOf(Credentials.bearer(header));
        if (role == Credentials.Role.NONE) {
            throw new AuthenticationException("Invalid token in the Authorization header");
        }
        return role;
    }
}
