package dev.vectis.http;

import java.util.List;

/** Checks every request passes before its route, whatever the contract: the one place for each rule. */
final class InputChecks {

    private InputChecks() {
    }

    /** Every contract stores what it is sent; text PostgreSQL cannot hold is refused before any route. */
    static void refuseUnstorable(io.javalin.http.Context ctx) {
        if (!StorableText.ok(ctx.path())) {
            throw new dev.vectis.error.InvalidInputException("path", "The path " + StorableText.PROBLEM);
        }
        for (java.util.Map.Entry<String, List<String>> param : ctx.queryParamMap().entrySet()) {
            String name = StorableText.ok(param.getKey()) ? param.getKey() : "query";
            if (!name.equals(param.getKey()) || !param.getValue().stream().allMatch(StorableText::ok)) {
                throw new dev.vectis.error.InvalidInputException(name, name + " " + StorableText.PROBLEM);
            }
        }
        for (String header : new String[] {"Idempotency-Key", "X-Worker-Id", "X-Request-Id", "Authorization"}) {
            String value = ctx.header(header);
            if (value != null && !StorableText.ok(value)) {
                throw new dev.vectis.error.InvalidInputException(header, header + " " + StorableText.PROBLEM);
            }
        }
    }

    /** A body in a charset this JVM cannot decode would fail whoever reads it as text (a form, say). */
    static void refuseUnknownCharset(io.javalin.http.Context ctx) {
        String type = ctx.header("Content-Type");
        int at = type == null ? -1 : type.toLowerCase(java.util.Locale.ROOT).indexOf("charset=");
        if (at < 0) {
            return;
        }
        String charset = type.substring(at + "charset=".length()).split(";", 2)[0].trim().replace("\"", "");
        boolean known;
        try {
            known = java.nio.charset.Charset.isSupported(charset);
        } catch (java.nio.charset.IllegalCharsetNameException e) {
            known = false;
        }
        if (!known) {
            throw new dev.vectis.error.InvalidInputException("Content-Type", "Content-Type names a charset this server "
                    + "does not know; send UTF-8");
        }
    }

    /** Path parameters exist once a route matched; they are decoded, so %00 shows as NUL here. */
    static void refuseUnstorablePathParams(io.javalin.http.Context ctx) {
        ctx.pathParamMap().forEach((name, value) -> {
            if (!StorableText.ok(value)) {
                throw new dev.vectis.error.InvalidInputException(name, name + " " + StorableText.PROBLEM);
            }
        });
    }
}
