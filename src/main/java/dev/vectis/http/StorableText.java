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
        String bad = badIn(node);
        return bad == null ? null : bad.isEmpty() ? "body" : bad;
    }

    /**
     * As {@link #firstBad}, relative to {@code node}: "" for the node itself (or its field
     * names). Paths are made only for a field found bad, so a good body costs no strings.
     */
    private static String badIn(JsonNode node) {
        if (node.isTextual()) {
            return ok(node.textValue()) ? null : "";
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!ok(field.getKey())) {
                    return "";
                }
                String bad = badIn(field.getValue());
                if (bad != null) {
                    return within(field.getKey(), bad);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String bad = badIn(node.get(i));
                if (bad != null) {
                    return within("[" + i + "]", bad);
                }
            }
        }
        return null;
    }

    private static String within(String step, String rest) {
        return rest.isEmpty() || rest.startsWith("[") ? step + rest : step + "." + rest;
    }
}
