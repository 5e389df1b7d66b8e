package dev.vectis.api.executor;

import dev.vectis.error.InvalidInputException;
import dev.vectis.http.QueryParams;
import dev.vectis.workers.WorkerId;
import io.javalin.http.Context;

/** Query parameters and identifiers of this contract, checked the same way everywhere. */
final class Params {

    private Params() {
    }

    static int integer(Context ctx, String name, int fallback, int min, int max) {
        return QueryParams.integer(ctx, name, fallback, min, max);
    }

    /** The worker a call names in ?workerId= or X-Worker-Id (which must agree), or null. */
    static String namedWorker(Context ctx) {
        String query = blankToNull(ctx.queryParam("workerId"));
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
