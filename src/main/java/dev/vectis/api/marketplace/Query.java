package dev.vectis.api.marketplace;

import dev.vectis.error.InvalidInputException;
import io.javalin.http.Context;

/** Query parameters, checked the same way on every marketplace list. */
final class Query {

    private Query() {
    }

    static String text(Context ctx, String name) {
        String v = ctx.queryParam(name);
        return v == null || v.isBlank() ? null : v;
    }

    static int integer(Context ctx, String name, int fallback, int min, int max) {
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
            // below
        }
        throw new InvalidInputException(name, name + " must be a whole number from " + min + " to " + max);
    }
}
