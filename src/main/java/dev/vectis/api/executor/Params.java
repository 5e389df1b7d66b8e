package dev.vectis.api.executor;

import dev.vectis.error.ForbiddenException;
import dev.vectis.error.InvalidInputException;
import dev.vectis.http.QueryParams;
import dev.vectis.http.WorkerSignatures;
import io.javalin.http.Context;
import java.util.regex.Pattern;

/** Query parameters and identifiers of this contract, checked the same way everywhere. */
final class Params {

    static final Pattern WORKER_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,100}");

    private Params() {
    }

    static int integer(Context ctx, String name, int fallback, int min, int max) {
        return QueryParams.integer(ctx, name, fallback, min, max);
    }

    static String workerId(String value, String field) {
        if (!WORKER_ID.matcher(value).matches()) {
            throw new InvalidInputException(field, field
                    + " must be 1-100 characters of letters, digits and . _ : @ -");
        }
        return value;
    }

    /**
     * The calling worker: the one that signed the request, else ?workerId= or X-Worker-Id;
     * null when the caller did not say.
     */
    static String callerWorkerId(Context ctx) {
        String query = blankToNull(ctx.queryParam("workerId"));
        String header = blankToNull(ctx.header("X-Worker-Id"));
        if (query != null && header != null && !query.equals(header)) {
            throw new InvalidInputException("workerId", "workerId and X-Worker-Id name different workers");
        }
        String named = query != null ? query : header;
        String signed = WorkerSignatures.signedWorker(ctx);
        if (signed != null) {
            if (named != null && !named.equals(signed)) {
                throw new ForbiddenException("NOT_THIS_WORKER", "The request is signed by " + signed
                        + " but names worker " + named);
            }
            return signed;
        }
        return named == null ? null : workerId(named, "workerId");
    }

    /** A worker that proved or declared who it is may only act as itself. */
    static void sameCaller(Context ctx, String workerId) {
        workerId(workerId, "workerId");
        String signed = WorkerSignatures.signedWorker(ctx);
        String header = blankToNull(ctx.header("X-Worker-Id"));
        if ((signed != null && !signed.equals(workerId)) || (header != null && !header.equals(workerId))) {
            throw new ForbiddenException("NOT_ASSIGNED", "Worker is not assigned to this job");
        }
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
