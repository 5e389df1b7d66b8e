package dev.vectis.api.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.vectis.http.StorableText;
import java.io.IOException;

/**
 * The heartbeat in the document's own form, read straight from the bytes: the document's
 * fields, each at most once, with values that need no conversion (the status in capitals,
 * numbers as JSON numbers, the timestamp as ISO 8601 text, the session counts under their own
 * names). That is what almost every heartbeat is, and it is read without building a tree.
 * Anything else (another form, a value to convert, extra metrics to keep, a mistake to name)
 * is not read here: {@link #read} answers null and {@link HeartbeatReader} reads the body,
 * so both give the same heartbeat for any body this one reads.
 */
final class PlainHeartbeat {

    private static final String[] SESSION_COUNTS = {
        "total", "connected", "disconnected", "qr_required", "reconnecting", "error"};

    private PlainHeartbeat() {
    }

    static HeartbeatReader.Heartbeat read(JsonFactory json, byte[] body, String workerId) {
        try (JsonParser p = json.createParser(body)) {
            // Each field is checked for a second appearance below; the parser need not track names too.
            p.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String status = null;
            String timestamp = null;
            Double cpu = null;
            Double memory = null;
            Long uptime = null;
            Long messages = null;
            Integer[] sessions = new Integer[SESSION_COUNTS.length];
            int seen = 0;
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                int field;
                switch (name) {
                    case "workerId" -> {
                        field = 1;
                        if (v != JsonToken.VALUE_STRING || !p.getText().equals(workerId)) {
                            return null;
                        }
                    }
                    case "status" -> {
                        field = 2;
                        status = v == JsonToken.VALUE_STRING ? ChatWorkerRoutes.knownStatus(p.getText()) : null;
                        if (status == null) {
                            return null;
                        }
                    }
                    case "cpuUsage" -> {
                        field = 4;
                        if ((cpu = fraction(p, v)) == null) {
                            return null;
                        }
                    }
                    case "memoryUsage" -> {
                        field = 8;
                        if ((memory = fraction(p, v)) == null) {
                            return null;
                        }
                    }
                    case "uptime" -> {
                        field = 16;
                        Double seconds = fraction(p, v);
                        if (seconds == null) {
                            return null;
                        }
                        uptime = Math.round(seconds);
                    }
                    case "messageCount" -> {
                        field = 32;
                        if ((messages = whole(p, v, false)) == null) {
                            return null;
                        }
                    }
                    case "timestamp" -> {
                        field = 64;
                        if (v != JsonToken.VALUE_STRING || (timestamp = isoText(p.getText())) == null) {
                            return null;
                        }
                    }
                    case "sessions" -> {
                        field = 128;
                        if (v != JsonToken.START_OBJECT || !sessions(p, sessions)) {
                            return null;
                        }
                    }
                    default -> {
                        return null;
                    }
                }
                if ((seen & field) != 0) {
                    return null;
                }
                seen |= field;
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;
            }
            return new HeartbeatReader.Heartbeat(status, cpu, memory, uptime, messages, sessions[0], sessions[1],
                    sessions[2], sessions[3], sessions[4], sessions[5], timestamp, null);
        } catch (IOException e) {
            // Malformed, or beyond the parser's limits: the full reader names what is wrong.
            return null;
        }
    }

    /** The six counts, each a whole number of at least 0 under its own name, at most once. */
    private static boolean sessions(JsonParser p, Integer[] counts) throws IOException {
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String name = p.currentName();
            int i = 0;
            while (i < SESSION_COUNTS.length && !SESSION_COUNTS[i].equals(name)) {
                i++;
            }
            JsonToken v = p.nextToken();
            if (i == SESSION_COUNTS.length || counts[i] != null) {
                return false;
            }
            Long n = whole(p, v, true);
            if (n == null) {
                return false;
            }
            counts[i] = n.intValue();
        }
        return p.currentToken() == JsonToken.END_OBJECT;
    }

    /** A JSON number of at least 0 that a double holds; null for anything else. */
    private static Double fraction(JsonParser p, JsonToken v) throws IOException {
        if ((v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT)
                || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            return null;
        }
        double d = p.getDoubleValue();
        // + 0.0: -0.0 is stored as 0.0, as the full reader's decimal does.
        return d >= 0 && d <= Double.MAX_VALUE ? d + 0.0 : null;
    }

    /** A JSON integer of at least 0 within an int ({@code small}) or a long; null for anything else. */
    private static Long whole(JsonParser p, JsonToken v, boolean small) throws IOException {
        if (v != JsonToken.VALUE_NUMBER_INT) {
            return null;
        }
        JsonParser.NumberType type = p.getNumberType();
        if (type != JsonParser.NumberType.INT && (small || type != JsonParser.NumberType.LONG)) {
            return null;
        }
        long n = p.getLongValue();
        return n >= 0 ? n : null;
    }

    /**
     * Text the full reader keeps as it is: not blank-padded, storable, at most 64 characters,
     * and not all digits and points (which it reads as epoch seconds or milliseconds).
     */
    private static String isoText(String text) {
        if (text.isEmpty() || text.length() > 64 || text.charAt(0) <= ' '
                || text.charAt(text.length() - 1) <= ' ' || !StorableText.ok(text)) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < '0' || c > '9') && c != '.') {
                return text;
            }
        }
        return null;
    }
}
