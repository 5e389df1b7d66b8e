package dev.vectis.api.executor;

import dev.vectis.auth.Permission;
import dev.vectis.auth.Principal;
import dev.vectis.config.Settings;
import dev.vectis.error.ForbiddenException;
import dev.vectis.http.AuditTrail;
import dev.vectis.http.Callers;
import dev.vectis.http.WorkerSignatures;
import dev.vectis.workers.WorkerId;
import io.javalin.http.Context;

/**
 * executor.auth decides whether this contract asks for credentials: token (the default)
 * applies the shared rules; none serves the contract as written, without any header. Either
 * way a call acts only for a worker its caller may speak for (docs/trust-model.md).
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

    /** The operator calling, whose role grants {@code needed}; without tokens, anyone (and audited as such). */
    Principal require(Context ctx, Permission needed) {
        if (open) {
            AuditTrail.actor(ctx, Principal.ANONYMOUS);
            return Principal.ANONYMOUS;
        }
        return callers.require(ctx, needed);
    }

    /** The token a job is recorded as created by: none without tokens. */
    static String owner(Principal caller) {
        return caller.equals(Principal.ANONYMOUS) ? null : caller.id();
    }

    /**
     * Who may read a job: null when the caller reads every job (an operator, or anyone without
     * tokens), else the token id whose jobs alone it may read (a submitter).
     */
    String jobReader(Context ctx) {
        if (open) {
            return null;
        }
        Principal p = callers.require(ctx, Permission.READ, Permission.SUBMIT);
        return Permission.READ.allows(p.role()) ? null : p.id();
    }

    /**
     * The worker a call names outside its body (?workerId= or X-Worker-Id), else the one that
     * signed it; null when it says neither. Checked like {@link #actingFor}.
     */
    String caller(Context ctx) {
        String named = Params.namedWorker(ctx);
        String worker = named != null ? named : WorkerSignatures.signedWorker(ctx);
        if (worker != null) {
            callers.actingFor(ctx, worker);
        }
        return worker;
    }

    /** A worker named in the body: an X-Worker-Id sent beside it must agree, and the caller may act for it. */
    String actingFor(Context ctx, String workerId) {
        WorkerId.check(workerId);
        String header = Params.blankToNull(ctx.header("X-Worker-Id"));
        if (header != null && !header.equals(workerId)) {
            throw new ForbiddenException("NOT_ASSIGNED", "Worker is not assigned to this job");
        }
        callers.actingFor(ctx, workerId);
        return workerId;
    }

    /** Whom an operator's event stream counts against: its token, or (without tokens) only its address. */
    String streamCaller(Context ctx) {
        if (open) {
            return null;
        }
        Principal p = callers.require(ctx, Permission.READ, Permission.SUBMIT);
        return p.subject();
    }
}
