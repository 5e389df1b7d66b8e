package dev.vectis.api.executor;

import dev.vectis.error.InvalidInputException;
import io.javalin.http.Context;
import java.util.regex.Pattern;

/** Query parameters and identifiers of this contract, checked the same way everywhere. */
final class Params {

    static final Pattern WORKER_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,100}");

    private Params() {
    }

    static int integer(Context ctx, String name, int fallback, int min, int max) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new InvalidInputException(name, name + " must be a whole number from " + min + " to " + max);
    }

    static String workerId(String value, String field) {
        if (!WORKER_ID.matcher(value).matches()) {
            throw new InvalidInputException(field, field
                    + " must be 1-100 characters of letters, digits and . _ : @ -");
        }
        return value;
    }

    /** The polling worker: ?workerId= or X-Worker-Id; null when the caller did not say. */
    static String callerWorkerId(Context ctx) {
        String query = blankToNull(ctx.queryParam("workerId"));
        String header = blankToNull(ctx.header("X-Worker-Id"));
        if (query != null && header != null && !query.equals(header)) {
            throw new InvalidInputException("workerId", "workerId and X-Worker-Id name different workers");
        }
        String id = query != null ? query : header;
        return id == null ? null : workerId(id, "workerId");
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
