package dev.vectis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** How a value of the API's JSON reads in a table cell: one line, "-" for nothing. */
final class Values {

    static final String NONE = "-";

    private Values() {
    }

    static String text(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return NONE;
        }
        if (v.isValueNode()) {
            String s = v.asText();
            return s.isEmpty() ? NONE : oneLine(s);
        }
        if (v.isArray()) {
            List<String> items = new ArrayList<>();
            v.forEach(item -> items.add(item.isValueNode() ? item.asText() : item.toString()));
            return items.isEmpty() ? NONE : oneLine(String.join(",", items));
        }
        List<String> pairs = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode value = e.getValue();
            pairs.add(e.getKey() + "=" + (value.isNull() ? NONE : value.isValueNode() ? value.asText() : value.toString()));
        }
        return pairs.isEmpty() ? NONE : oneLine(String.join(",", pairs));
    }

    /** Epoch milliseconds or an RFC 3339 time, to the second in UTC; anything else as it came. */
    static String time(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return NONE;
        }
        if (v.isIntegralNumber()) {
            return Instant.ofEpochMilli(v.asLong()).truncatedTo(ChronoUnit.SECONDS).toString();
        }
        try {
            return Instant.parse(v.asText()).truncatedTo(ChronoUnit.SECONDS).toString();
        } catch (DateTimeParseException e) {
            return text(v);
        }
    }

    /** Shortened to {@code max} characters, for free text such as a job's command. */
    static String shortened(JsonNode v, int max) {
        String s = text(v);
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** Control characters would break the table's lines: newlines show as ⏎, the rest as spaces. */
    static String oneLine(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n') {
                b.append('⏎');
            } else if (c == '\r') {
                continue;
            } else {
                b.append(Character.isISOControl(c) ? ' ' : c);
            }
        }
        return b.toString().strip();
    }
}
