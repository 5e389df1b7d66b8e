package dev.vectis.api.executor;

import dev.vectis.error.InvalidInputException;
import dev.vectis.http.QueryParams;
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

    /** The worker a call names in ?workerId= or X-Worker-Id (which must agree), or null. */
    static String namedWorker(Context ctx) {
        String query = blankToNull(ctx.queryParam("workerId"));
        String header = blankToNull(ctx.header("X-Worker-Id"));
        if (query != null && header != null && !query.equals(header)) {
            throw new InvalidInputException("workerId", "workerId and X-Worker-Id name different workers");
        }
        String named = query != null ? query : header;
        return named == null ? null : workerId(named, "workerId");
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
