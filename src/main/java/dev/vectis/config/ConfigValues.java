package dev.vectis.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

/** Each key's value as configured, with where it came from; the source of the start-up summary. */
public final class ConfigValues {

    private final Map<ConfigKey, JsonNode> values = new LinkedHashMap<>();
    private final Map<ConfigKey, String> origins = new LinkedHashMap<>();

    void put(ConfigKey key, JsonNode value, String origin) {
        values.put(key, value);
        origins.put(key, origin);
    }

    /** The key's default, or nothing when it has none. */
    void putDefault(ConfigKey key) {
        key.defaultText().ifPresent(text -> values.put(key, key.fromText(text)));
        origins.put(key, "default");
    }

    /** The values as nested maps, every section present so that a record whose keys are all unset is bound too. */
    ObjectNode tree(ConfigKeys keys) {
        ObjectNode tree = JsonNodeFactory.instance.objectNode();
        keys.sections().forEach(section -> put(tree, section, JsonNodeFactory.instance.objectNode()));
        values.forEach((key, value) -> put(tree, key.path(), value));
        return tree;
    }

    private static void put(ObjectNode tree, String path, JsonNode value) {
        ObjectNode node = tree;
        String[] names = path.split("\\.");
        for (int i = 0; i < names.length - 1; i++) {
            node = node.has(names[i]) ? (ObjectNode) node.get(names[i]) : node.putObject(names[i]);
        }
        node.set(names[names.length - 1], value);
    }

    /** One line per key, secrets redacted, e.g. {@code server.port = 8080 (env VECTIS_SERVER_PORT)}. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        origins.forEach((key, origin) ->
                lines.add(key.path() + " = " + shown(key, values.get(key)) + " (" + origin + ")"));
        return lines;
    }

    private static String shown(ConfigKey key, JsonNode value) {
        if (value == null) {
            return "(unset)";
        }
        if (key.secret()) {
            return value.isArray() ? "<" + value.size() + " redacted>" : "<redacted>";
        }
        String text = value.isArray()
                ? StreamSupport.stream(value.spliterator(), false).map(JsonNode::asText).toList().toString()
                : value.asText();
        return redactUrl(text);
    }

    /** JDBC URLs may carry a password parameter. */
    static String redactUrl(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1<redacted>");
    }
}
