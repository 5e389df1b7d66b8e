package dev.vectis.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Builds {@link Settings} from defaults, a YAML file and the environment, in that order of
 * precedence (environment wins). Anything unknown or invalid is a {@link ConfigException}
 * naming the key, so a typo never silently falls back to a default.
 */
public final class ConfigLoader {

    public static final String DEFAULT_FILE = "vectis.yaml";
    static final String PREFIX = "VECTIS_";
    /** provider-registry.md promises this prefix for its settings. */
    static final String ALIAS_PREFIX = "PROVIDER_REGISTRY_";
    /** Environment names under the prefix that are not configuration keys. */
    private static final List<String> NOT_KEYS = List.of("VECTIS_TEST_", "VECTIS_JAVA_OPTS", "VECTIS_HOME",
            // the install script's and the agent's, often set in the same shell
            "VECTIS_URL", "VECTIS_TOKEN", "VECTIS_INSTALL_ROOT", "VECTIS_IP_DETECT_URL");

    public record Loaded(Settings settings, ConfigValues values, Optional<Path> file) {
    }

    private ConfigLoader() {
    }

    public static Loaded load(Optional<Path> explicitFile, Path workingDir, Map<String, String> env) {
        Optional<Path> file = explicitFile.map(workingDir::resolve);
        if (file.isPresent() && !Files.isRegularFile(file.get())) {
            throw new ConfigException("configuration file " + file.get() + " does not exist");
        }
        if (file.isEmpty() && Files.isRegularFile(workingDir.resolve(DEFAULT_FILE))) {
            file = Optional.of(workingDir.resolve(DEFAULT_FILE));
        }
        Map<String, Object> fromFile = file.isPresent() ? readYaml(file.get()) : Map.of();
        Map<String, String> fromEnv = environment(env);

        ConfigValues values = new ConfigValues();
        for (ConfigKey key : ConfigKeys.ALL) {
            String envName = PREFIX + key.envSuffix();
            String aliasName = ALIAS_PREFIX + key.envSuffix();
            if (fromEnv.containsKey(envName)) {
                values.put(key, parse(key, fromEnv.get(envName)), "env " + envName);
            } else if (fromEnv.containsKey(aliasName)) {
                values.put(key, parse(key, fromEnv.get(aliasName)), "env " + aliasName);
            } else if (fromFile.get(key.path()) != null) {
                values.put(key, parse(key, fromFile.get(key.path())), "file");
            } else {
                values.put(key, key.defaultValue(), "default");
            }
        }
        return new Loaded(Settings.from(values, workingDir), values, file);
    }

    /** Defaults and the given environment only: for tools and tests. */
    public static Settings fromEnvironment(Path workingDir, Map<String, String> env) {
        return load(Optional.empty(), workingDir, env).settings();
    }

    private static Object parse(ConfigKey key, Object raw) {
        try {
            return key.parser().apply(raw);
        } catch (IllegalArgumentException e) {
            throw ConfigException.forKey(key.path(), e.getMessage());
        }
    }

    /** The environment's configuration variables; unknown ones under our prefixes are errors. */
    private static Map<String, String> environment(Map<String, String> env) {
        Map<String, String> known = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            String prefix = name.startsWith(PREFIX) ? PREFIX : name.startsWith(ALIAS_PREFIX) ? ALIAS_PREFIX : null;
            if (prefix == null || NOT_KEYS.stream().anyMatch(name::startsWith)) {
                continue;
            }
            if (e.getValue() == null || e.getValue().isBlank()) {
                continue; // an empty variable means unset, as most deployment tools use it
            }
            String suffix = name.substring(prefix.length());
            Optional<ConfigKey> key = ConfigKeys.ALL.stream().filter(k -> k.envSuffix().equals(suffix)).findFirst();
            if (key.isEmpty()) {
                String hint = closest(suffix, ConfigKeys.ALL.stream().map(ConfigKey::envSuffix).toList())
                        .map(s -> " (did you mean " + prefix + s + "?)").orElse("");
                throw new ConfigException(name + ": unknown configuration variable" + hint);
            }
            known.put(name, e.getValue());
        }
        return known;
    }

    private static Map<String, Object> readYaml(Path file) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read: " + e.getMessage());
        }
        Map<String, Object> flat = new LinkedHashMap<>();
        if (root != null && !root.isMissingNode() && !root.isNull()) {
            if (!root.isObject()) {
                throw new ConfigException(file + ": the top level must be a map of keys");
            }
            flatten("", root, flat);
        }
        List<String> paths = ConfigKeys.ALL.stream().map(ConfigKey::path).toList();
        for (String path : flat.keySet()) {
            if (!paths.contains(path)) {
                String hint = closest(path, paths).map(p -> " (did you mean " + p + "?)").orElse("");
                throw new ConfigException(path + ": unknown configuration key in " + file + hint);
            }
        }
        return flat;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, Object> out) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String path = prefix + field.getKey();
            JsonNode value = field.getValue();
            boolean isLeaf = ConfigKeys.ALL.stream().anyMatch(k -> k.path().equals(path));
            if (value.isObject() && !isLeaf) {
                flatten(path + ".", value, out);
            } else {
                out.put(path, toRaw(path, value));
            }
        }
    }

    private static Object toRaw(String path, JsonNode value) {
        if (value.isNull()) {
            return null;
        }
        if (value.isArray()) {
            List<Object> items = new ArrayList<>();
            value.forEach(item -> items.add(item.isValueNode() ? item.asText() : List.of()));
            return items;
        }
        if (value.isObject()) {
            throw ConfigException.forKey(path, "expected a single value, not a map");
        }
        return value.isBoolean() ? (Object) value.booleanValue() : value.asText();
    }

    /** The known name nearest to a misspelt one, if it is close enough to be a typo. */
    private static Optional<String> closest(String typo, List<String> candidates) {
        return candidates.stream()
                .filter(c -> distance(typo.toLowerCase(), c.toLowerCase()) <= 2)
                .min(Comparator.comparingInt(c -> distance(typo.toLowerCase(), c.toLowerCase())));
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
