package dev.vectis.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Typed values by key path, with where each came from; the source of the start-up summary. */
public final class ConfigValues {

    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, String> origins = new LinkedHashMap<>();

    void put(ConfigKey key, Object value, String origin) {
        values.put(key.path(), value);
        origins.put(key.path(), origin);
    }

    @SuppressWarnings("unchecked")
    <T> T get(String path) {
        if (!values.containsKey(path)) {
            throw new IllegalStateException("no such configuration key: " + path);
        }
        return (T) values.get(path);
    }

    String text(String path) {
        return get(path);
    }

    int integer(String path) {
        return this.<Integer>get(path);
    }

    <T> List<T> list(String path) {
        return get(path);
    }

    <T> Optional<T> optional(String path) {
        return Optional.ofNullable(get(path));
    }

    /** One line per key, secrets redacted, e.g. {@code server.port = 8080 (env VECTIS_SERVER_PORT)}. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        for (ConfigKey key : ConfigKeys.ALL) {
            Object value = values.get(key.path());
            String shown;
            if (value == null) {
                shown = "(unset)";
            } else if (key.secret()) {
                shown = value instanceof List<?> l ? "<" + l.size() + " redacted>" : "<redacted>";
            } else if (key.path().equals("database.url")) {
                shown = redactUrl(value.toString());
            } else {
                shown = value.toString();
            }
            lines.add(key.path() + " = " + shown + " (" + origins.get(key.path()) + ")");
        }
        return lines;
    }

    /** JDBC URLs may carry a password parameter. */
    static String redactUrl(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1<redacted>");
    }
}
