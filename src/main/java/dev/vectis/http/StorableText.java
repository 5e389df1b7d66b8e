package dev.vectis.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Text PostgreSQL can store: no NUL (its text type refuses it) and no unpaired UTF-16
 * surrogate (which has no UTF-8 form and would be silently replaced). H2 takes both, so
 * the check is made here, once, for every contract, rather than left to the database.
 */
public final class StorableText {

    public static final String PROBLEM = "contains a character that cannot be stored (NUL or an unpaired surrogate)";

    private StorableText() {
    }

    public static boolean ok(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** The value, when it is storable (or null); else a 400 naming the field. */
    public static String checked(String value, String field) {
        if (value != null && !ok(value)) {
            throw new dev.vectis.error.InvalidInputException(field, field + " " + PROBLEM);
        }
        return value;
    }

    /** The path of the first field (e.g. {@code data.phoneNumber}, {@code items[2]}) whose name or text is not storable, or null. */
    public static String firstBad(JsonNode node) {
        return firstBad(node, "");
    }

    private static String firstBad(JsonNode node, String path) {
        if (node.isTextual()) {
            return ok(node.textValue()) ? null : (path.isEmpty() ? "body" : path);
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String at = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                if (!ok(field.getKey())) {
                    return path.isEmpty() ? "body" : path;
                }
                String bad = firstBad(field.getValue(), at);
                if (bad != null) {
                    return bad;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String bad = firstBad(node.get(i), path + "[" + i + "]");
                if (bad != null) {
                    return bad;
                }
            }
        }
        return null;
    }
}
