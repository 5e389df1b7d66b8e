package dev.vectis.http;

import dev.vectis.error.InvalidInputException;
import io.javalin.http.Context;

/** Query parameters, read the same way by every contract: blank means absent, bad numbers are 400. */
public final class QueryParams {

    private QueryParams() {
    }

    public static String text(Context ctx, String name) {
        String v = ctx.queryParam(name);
        return v == null || v.isBlank() ? null : v;
    }

    public static int integer(Context ctx, String name, int fallback, int min, int max) {
        String raw = text(ctx, name);
        if (raw == null) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(raw.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new InvalidInputException(name, name + " must be a whole number from " + min + " to " + max);
    }
}
