package dev.vectis.api.executor;

import dev.vectis.error.InvalidInputException;
import dev.vectis.http.QueryParams;
import dev.vectis.workers.WorkerId;
import io.javalin.http.Context;

/** Identifiers and required fields of this contract, checked the same way everywhere. */
final class Params {

    private Params() {
    }

    /** The worker a call names in ?workerId= or X-Worker-Id (which must agree), or null. */
    static String namedWorker(Context ctx) {
        String query = QueryParams.text(ctx, "workerId");
        String header = blankToNull(ctx.header("X-Worker-Id"));
        if (query != null && header != null && !query.equals(header)) {
            throw new InvalidInputException("workerId", "workerId and X-Worker-Id name different workers");
        }
        String named = query != null ? query : header;
        return named == null ? null : WorkerId.check(named);
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
