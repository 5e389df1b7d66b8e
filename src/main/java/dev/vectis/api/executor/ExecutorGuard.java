package dev.vectis.api.executor;

import dev.vectis.config.Settings;
import dev.vectis.http.Callers;
import io.javalin.http.Context;

/**
 * executor.auth decides whether this contract asks for credentials: token (the default)
 * applies the shared rules; none serves the contract as written, without any header.
 */
final class ExecutorGuard {

    private final boolean open;
    private final Callers callers;

    ExecutorGuard(Settings.ExecutorAuth mode, Callers callers) {
        this.open = mode == Settings.ExecutorAuth.NONE;
        this.callers = callers;
    }

    void worker(Context ctx) {
        if (open) {
            callers.signatureIfPresent(ctx);
        } else {
            callers.worker(ctx);
        }
    }

    void admin(Context ctx) {
        if (!open) {
            callers.admin(ctx);
        }
    }

    /** Whom an operator's event stream counts against: the admin, or (without tokens) only its address. */
    String streamCaller() {
        return open ? null : "admin";
    }
}
