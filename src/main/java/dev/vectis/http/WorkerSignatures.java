package dev.vectis.http;

import dev.vectis.auth.HmacSignature;
import dev.vectis.error.AuthenticationException;
import dev.vectis.error.ForbiddenException;
import dev.vectis.workers.WorkerSecrets;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.Optional;

/**
 * Checks a worker's signed request (docs/worker-signatures.md). A request either carries no
 * signature headers at all, or carries valid ones; anything in between is refused.
 */
public final class WorkerSignatures {

    /** The worker a request proved to be, for handlers to compare with the ids it names. */
    public static final String SIGNED_WORKER = "vectis.signed_worker";

    private final WorkerSecrets secrets;
    private final Clock clock;

    public WorkerSignatures(WorkerSecrets secrets, Clock clock) {
        this.secrets = secrets;
        this.clock = clock;
    }

    public static boolean present(Context ctx) {
        return ctx.header(HmacSignature.WORKER_HEADER) != null || ctx.header(HmacSignature.SIGNATURE_HEADER) != null;
    }

    /** The signing worker's id, or empty when the request is not signed; 401 for a bad signature. */
    public Optional<String> verify(Context ctx) {
        if (signedWorker(ctx) != null) {
            return Optional.of(signedWorker(ctx)); // already checked for this request (by the rate limiter)
        }
        if (!present(ctx)) {
            return Optional.empty();
        }
        String worker = ctx.header(HmacSignature.WORKER_HEADER);
        String timestamp = ctx.header(HmacSignature.TIMESTAMP_HEADER);
        String signature = ctx.header(HmacSignature.SIGNATURE_HEADER);
        if (worker == null || timestamp == null || signature == null) {
            throw new AuthenticationException("A signed request needs " + HmacSignature.WORKER_HEADER + ", "
                    + HmacSignature.TIMESTAMP_HEADER + " and " + HmacSignature.SIGNATURE_HEADER);
        }
        // Unknown workers and bad signatures get the same answer: nothing to probe.
        Optional<String> secret = secrets.of(worker);
        String query = ctx.req().getQueryString();
        String target = ctx.req().getRequestURI() + (query == null ? "" : "?" + query);
        if (secret.isEmpty() || !HmacSignature.verify(HmacSignature.key(secret.get()), ctx.method().name(), target,
                timestamp, RequestGuard.body(ctx), signature, clock.instant())) {
            throw new AuthenticationException("Invalid request signature (check the worker secret, the body and "
                    + "that the clock is within 5 minutes)");
        }
        ctx.attribute(SIGNED_WORKER, worker);
        return Optional.of(worker);
    }

    /**
     * The one rule for every call that acts for a worker (docs/trust-model.md): a signed request
     * acts only for its signer; any other (a shared token, the admin token, or no credential
     * where a contract takes none) only for a worker that holds no secret.
     */
    public void requireMayActFor(Context ctx, String workerId) {
        Optional<String> signer = verify(ctx);
        if (signer.isPresent()) {
            if (!signer.get().equals(workerId)) {
                throw new ForbiddenException("NOT_THIS_WORKER", "The request is signed by " + signer.get()
                        + " but acts for worker " + workerId);
            }
            return;
        }
        if (secrets.holdsSecret(workerId)) {
            throw new ForbiddenException("SIGNATURE_REQUIRED", "Worker " + workerId + " signs its calls: only a "
                    + "request signed with its secret may act for it (docs/worker-signatures.md)");
        }
    }

    public static String signedWorker(Context ctx) {
        return ctx.attribute(SIGNED_WORKER);
    }
}
