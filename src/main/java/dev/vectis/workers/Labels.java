package dev.vectis.workers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.error.InvalidInputException;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Key=value pairs a worker carries (os=linux, gpu=true) or a job requires. Keys and values
 * are short and drawn from letters, digits and {@code . _ / -}, so the canonical text
 * {@code gpu=true,os=linux} needs no escaping and every database compares them alike.
 */
public record Labels(SortedMap<String, String> pairs) {

    public static final int MAX_COUNT = 16;
    public static final int MAX_LENGTH = 63;
    public static final Labels NONE = new Labels(new TreeMap<>());

    private static final Pattern TEXT = Pattern.compile("[A-Za-z0-9._/-]{1," + MAX_LENGTH + "}");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public Labels {
        pairs = Collections.unmodifiableSortedMap(new TreeMap<>(pairs));
    }

    public boolean isEmpty() {
        return pairs.isEmpty();
    }

    /** {@code k=v,k=v} in key order; null when there are none (a job's "requires nothing"). */
    public String canonical() {
        if (pairs.isEmpty()) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        pairs.forEach((k, v) -> out.append(out.isEmpty() ? "" : ",").append(k).append('=').append(v));
        return out.toString();
    }

    /** The reverse of {@link #canonical()}; text read back from the database, so already valid. */
    public static Labels fromCanonical(String text) {
        if (text == null || text.isEmpty()) {
            return NONE;
        }
        SortedMap<String, String> pairs = new TreeMap<>();
        for (String pair : text.split(",")) {
            int eq = pair.indexOf('=');
            pairs.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return new Labels(pairs);
    }

    /**
     * A JSON object of string values, checked; anything else is a 400 naming {@code field}.
     * JSON null or absent means none.
     */
    public static Labels fromJson(JsonNode node, String field) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return NONE;
        }
        if (!node.isObject()) {
            throw invalid(field, field + " must be a JSON object of key/value strings, e.g. {\"os\": \"linux\"}");
        }
        SortedMap<String, String> pairs = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw invalid(field, field + "." + e.getKey() + " must be a string, e.g. \"true\"");
            }
            pairs.put(e.getKey(), e.getValue().asText());
        }
        return checked(pairs, field);
    }

    /**
     * A form field's text: a JSON object as {@link #fromJson}, or {@code k=v} pairs separated by
     * commas. Blank means none.
     */
    public static Labels fromText(String text, String field) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        String trimmed = text.strip();
        if (trimmed.startsWith("{")) {
            try {
                return fromJson(MAPPER.readTree(trimmed), field);
            } catch (JsonProcessingException e) {
                throw invalid(field, field + " is not a valid JSON object");
            }
        }
        SortedMap<String, String> pairs = new TreeMap<>();
        for (String raw : trimmed.split(",")) {
            String pair = raw.strip();
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw invalid(field, field + " must be key=value pairs separated by commas, e.g. os=linux,gpu=true");
            }
            if (pairs.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip()) != null) {
                throw invalid(field, field + " names the key " + pair.substring(0, eq).strip() + " twice");
            }
        }
        return checked(pairs, field);
    }

    /** Whether every pair {@code required} names is one of these. */
    public boolean includes(Labels required) {
        return pairs.entrySet().containsAll(required.pairs.entrySet());
    }

    private static Labels checked(SortedMap<String, String> pairs, String field) {
        if (pairs.size() > MAX_COUNT) {
            throw invalid(field, field + " may hold at most " + MAX_COUNT + " labels");
        }
        pairs.forEach((k, v) -> {
            if (!TEXT.matcher(k).matches()) {
                throw invalid(field, field + " key \"" + shown(k) + "\" must be 1 to " + MAX_LENGTH
                        + " characters of A-Z a-z 0-9 . _ / -");
            }
            if (!TEXT.matcher(v).matches()) {
                throw invalid(field, field + "." + k + " value \"" + shown(v) + "\" must be 1 to " + MAX_LENGTH
                        + " characters of A-Z a-z 0-9 . _ / -");
            }
        });
        return new Labels(pairs);
    }

    /** Enough of a bad key or value to recognise it, without echoing a megabyte back. */
    private static String shown(String text) {
        String cut = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        return cut.replaceAll("[^\\x20-\\x7e]", "?").replace("\"", "'");
    }

    private static InvalidInputException invalid(String field, String message) {
        return new InvalidInputException(field, message);
    }

    @Override
    public String toString() {
        return pairs.toString();
    }
}
