package dev.vectis.api.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vectis.error.InvalidInputException;
import dev.vectis.workers.MetricsSample;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A heartbeat body in the forms chat-session workers send: the document's flat fields, or the
 * same fields under {@code metrics} (as workers built from the document's own worker do);
 * numbers as JSON numbers or as text; the status in any letter case; the timestamp as text,
 * epoch seconds or epoch milliseconds. What has no column is kept as JSON, never dropped.
 */
final class HeartbeatReader {

    static final int MAX_EXTRA_CHARS = 16 * 1024;
    /** Epoch values from 2001-09-09 to 2286-11-20: anything else is not a time a worker means. */
    private static final double MIN_EPOCH_SECONDS = 1e9;
    private static final double MAX_EPOCH_SECONDS = 1e10;
    private static final Pattern EPOCH = Pattern.compile("[0-9]{1,15}(\\.[0-9]{1,9})?");
    private static final BigDecimal LARGEST = BigDecimal.valueOf(Double.MAX_VALUE);

    record Heartbeat(String status, Double cpuUsage, Double memoryUsage, Long uptime, Long messageCount,
                     Integer total, Integer connected, Integer disconnected, Integer qrRequired,
                     Integer reconnecting, Integer error, String timestamp, String extra) {

        MetricsSample sample(String workerId, long receivedAt) {
            return new MetricsSample(workerId, status, cpuUsage, memoryUsage, uptime, messageCount, total,
                    connected, disconnected, qrRequired, reconnecting, error, timestamp, extra, receivedAt);
        }
    }

    /** Where a field was found: its path for messages, and the object that holds it. */
    private record Level(String prefix, ObjectNode node) {
    }

    private record Found(String path, JsonNode value) {
    }

    private HeartbeatReader() {
    }

    /** Takes {@code body} apart as it reads: what is left of it is the extra JSON. */
    static Heartbeat read(JsonNode body, String workerId) {
        ObjectNode rest = (ObjectNode) body;
        JsonNode named = rest.remove("workerId");
        if (named != null && !named.isNull() && !named.asText().equals(workerId)) {
            throw new InvalidInputException("workerId", "workerId in the body (" + named.asText()
                    + ") differs from the path (" + workerId + ")");
        }
        ObjectNode metrics = object(rest, "metrics");
        List<Level> levels = metrics == null ? List.of(new Level("", rest))
                : List.of(new Level("", rest), new Level("metrics.", metrics));
        String status = status(take(levels, "status"));
        Double cpu = decimal(takeScalar(levels, "cpuUsage", "cpu_usage"));
        Double memory = decimal(takeScalar(levels, "memoryUsage", "memory_usage"));
        Double uptime = decimal(takeScalar(levels, "uptime"));
        Long messages = whole(take(levels, "messageCount", "message_count"), Long.MAX_VALUE);
        String timestamp = timestamp(take(levels, "timestamp"));
        Integer[] sessions = sessions(levels);
        if (sessions[0] == null) {
            sessions[0] = count(take(levels, "sessionCount", "session_count"));
        }
        if (metrics != null && metrics.isEmpty()) {
            rest.remove("metrics");
        }
        String extra = rest.isEmpty() ? null : rest.toString();
        if (extra != null && extra.length() > MAX_EXTRA_CHARS) {
            throw new InvalidInputException("metrics", "metrics Vectis has no column for must be at most "
                    + MAX_EXTRA_CHARS + " characters of JSON");
        }
        return new Heartbeat(status, cpu, memory, uptime == null ? null : Math.round(uptime), messages,
                sessions[0], sessions[1], sessions[2], sessions[3], sessions[4], sessions[5], timestamp, extra);
    }

    /** total, connected, disconnected, qr_required, reconnecting, error; other counts stay in the JSON. */
    private static Integer[] sessions(List<Level> levels) {
        Integer[] counts = new Integer[6];
        for (Level level : levels) {
            JsonNode value = level.node().get("sessions");
            if (value == null) {
                continue;
            }
            String path = level.prefix() + "sessions";
            if (value.isObject()) {
                List<Level> in = List.of(new Level(path + ".", (ObjectNode) value));
                counts[0] = count(take(in, "total"));
                counts[1] = count(take(in, "connected"));
                counts[2] = count(take(in, "disconnected"));
                counts[3] = count(take(in, "qr_required", "qrRequired"));
                counts[4] = count(take(in, "reconnecting"));
                counts[5] = count(take(in, "error", "errors"));
                if (value.isEmpty()) {
                    level.node().remove("sessions");
                }
            } else if (value.isNull() || value.isNumber() || value.isTextual()) {
                // A bare number is how some workers report their session count.
                counts[0] = count(new Found(path, level.node().remove("sessions")));
            } else {
                throw new InvalidInputException(path, path + " must be an object of session counts");
            }
            return counts;
        }
        return counts;
    }

    /** Removes and returns the first of the names present, looking at the top level first. */
    private static Found take(List<Level> levels, String... names) {
        for (Level level : levels) {
            for (String name : names) {
                JsonNode value = level.node().remove(name);
                if (value != null) {
                    return new Found(level.prefix() + name, value);
                }
            }
        }
        return null;
    }

    /**
     * As {@link #take}, but an object or array under a metric's name (Node's
     * {@code process.memoryUsage()} is {rss, heapUsed, …}) is not the percentage the column
     * holds: it stays where it is and is kept with the other metrics Vectis has no column for.
     */
    private static Found takeScalar(List<Level> levels, String... names) {
        for (Level level : levels) {
            for (String name : names) {
                JsonNode value = level.node().get(name);
                if (value != null && !value.isContainerNode()) {
                    level.node().remove(name);
                    return new Found(level.prefix() + name, value);
                }
            }
        }
        return null;
    }

    private static ObjectNode object(ObjectNode parent, String name) {
        JsonNode value = parent.get(name);
        if (value == null || value.isNull()) {
            parent.remove(name);
            return null;
        }
        if (!value.isObject()) {
            throw new InvalidInputException(name, name + " must be an object");
        }
        return (ObjectNode) value;
    }

    private static String status(Found f) {
        if (f == null || f.value().isNull()) {
            return null;
        }
        String status = f.value().isTextual()
                ? ChatWorkerRoutes.knownStatus(f.value().asText().trim().toUpperCase(Locale.ROOT)) : null;
        if (status == null) {
            throw new InvalidInputException(f.path(), f.path() + " must be one of " + String.join(", ",
                    ChatWorkerRoutes.STATUSES.stream().sorted().toList()));
        }
        return status;
    }

    /** A number of at least 0, as a JSON number or text such as "45.5" or "45.5%". */
    private static Double decimal(Found f) {
        BigDecimal n = number(f, " must be a number of at least 0");
        return n == null ? null : n.doubleValue();
    }

    private static Integer count(Found f) {
        Long n = whole(f, Integer.MAX_VALUE);
        return n == null ? null : n.intValue();
    }

    private static Long whole(Found f, long max) {
        String rule = " must be a whole number of at least 0";
        BigDecimal n = number(f, rule);
        if (n == null) {
            return null;
        }
        if (n.stripTrailingZeros().scale() > 0 || n.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new InvalidInputException(f.path(), f.path() + rule);
        }
        return n.longValueExact();
    }

    private static BigDecimal number(Found f, String rule) {
        if (f == null || f.value().isNull()) {
            return null;
        }
        JsonNode v = f.value();
        BigDecimal n = null;
        if (v.isNumber()) {
            n = v.isFloatingPointNumber() && !Double.isFinite(v.doubleValue()) ? null : v.decimalValue();
        } else if (v.isTextual()) {
            String text = v.asText().trim();
            try {
                n = new BigDecimal(text.endsWith("%") ? text.substring(0, text.length() - 1).trim() : text);
            } catch (NumberFormatException e) {
                n = null;
            }
        }
        if (n == null || n.signum() < 0 || n.abs().compareTo(LARGEST) > 0) {
            throw new InvalidInputException(f.path(), f.path() + rule);
        }
        return n;
    }

    /** Text is kept as sent; epoch seconds or milliseconds become an ISO 8601 time. */
    private static String timestamp(Found f) {
        if (f == null || f.value().isNull()) {
            return null;
        }
        JsonNode v = f.value();
        String text = v.isTextual() ? v.asText().trim() : null;
        BigDecimal epoch = null;
        if (v.isNumber()) {
            epoch = v.decimalValue();
        } else if (text != null && EPOCH.matcher(text).matches()) {
            epoch = new BigDecimal(text);
        } else if (text != null) {
            InvalidInputException.maxLength(text, f.path(), 64);
            return text;
        }
        if (epoch != null) {
            double d = epoch.doubleValue();
            if (d >= MIN_EPOCH_SECONDS && d < MAX_EPOCH_SECONDS) {
                return Instant.ofEpochMilli(Math.round(d * 1000)).toString();
            }
            if (d >= MIN_EPOCH_SECONDS * 1000 && d < MAX_EPOCH_SECONDS * 1000) {
                return Instant.ofEpochMilli(Math.round(d)).toString();
            }
        }
        throw new InvalidInputException(f.path(), f.path() + " must be an ISO 8601 time, or epoch seconds or "
                + "milliseconds");
    }
}
