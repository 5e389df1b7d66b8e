package dev.vectis.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Builds {@link Settings} from defaults, a YAML file and the environment, in that order of
 * precedence (environment wins): the three are merged into one tree of keys, which Jackson
 * binds into the records. Anything unknown or invalid is a {@link ConfigException} naming the
 * key, so a typo never silently falls back to a default.
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
    private static final ObjectReader READER = ConfigReaders.mapper().reader();

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
        Map<String, JsonNode> fromFile = new LinkedHashMap<>();
        file.ifPresent(f -> flatten(f, "", readYaml(f), fromFile));
        Map<String, String> fromEnv = environment(env);

        ConfigValues values = new ConfigValues();
        for (ConfigKey key : ConfigKeys.ALL.keys()) {
            Optional<String> envName = Stream.of(PREFIX, ALIAS_PREFIX).map(prefix -> prefix + key.envSuffix())
                    .filter(fromEnv::containsKey).findFirst();
            if (envName.isPresent()) {
                values.put(key, key.fromText(fromEnv.get(envName.get())), "env " + envName.get());
            } else if (fromFile.containsKey(key.path())) {
                values.put(key, key.fromFile(fromFile.get(key.path())), "file");
            } else {
                values.putDefault(key);
            }
        }
        return new Loaded(bind(values.tree(ConfigKeys.ALL), Settings.class, workingDir), values, file);
    }

    /** Defaults and the given environment only: for tools and tests. */
    public static Settings fromEnvironment(Path workingDir, Map<String, String> env) {
        return load(Optional.empty(), workingDir, env).settings();
    }

    /** A section of the configuration with every key at its default. */
    static <T> T defaults(Class<T> section) {
        ConfigKeys keys = ConfigKeys.of(section);
        ConfigValues values = new ConfigValues();
        keys.keys().forEach(values::putDefault);
        return bind(values.tree(keys), section, Path.of(""));
    }

    private static <T> T bind(ObjectNode tree, Class<T> type, Path workingDir) {
        try {
            return READER.forType(type).withAttribute(ConfigReaders.WORKING_DIR, workingDir).readValue(tree);
        } catch (JsonMappingException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof ConfigException named) {
                    throw named; // a record's own check, which names its key
                }
            }
            String key = e.getPath().stream().map(JsonMappingException.Reference::getFieldName)
                    .filter(Objects::nonNull).collect(Collectors.joining("."));
            throw ConfigException.forKey(key, e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
            if (ConfigKeys.ALL.findEnv(suffix).isEmpty()) {
                List<String> suffixes = ConfigKeys.ALL.keys().stream().map(ConfigKey::envSuffix).toList();
                String hint = ConfigKeys.closest(suffix, suffixes).map(s -> " (did you mean " + prefix + s + "?)")
                        .orElse("");
                throw new ConfigException(name + ": unknown configuration variable" + hint);
            }
            known.put(name, e.getValue());
        }
        return known;
    }

    private static JsonNode readYaml(Path file) {
        try {
            JsonNode root = new YAMLMapper().readTree(Files.readAllBytes(file));
            if (root != null && !root.isMissingNode() && !root.isNull() && !root.isObject()) {
                throw new ConfigException(file + ": the top level must be a map of keys");
            }
            return root == null || !root.isObject() ? JsonNodeFactory.instance.objectNode() : root;
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read: " + e.getMessage());
        }
    }

    /** The file's values by key path; a name that is neither a key nor a section is refused. */
    private static void flatten(Path file, String prefix, JsonNode node, Map<String, JsonNode> out) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String path = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (value.isNull()) {
                continue; // "key:" with nothing after it leaves the key unset
            }
            if (ConfigKeys.ALL.find(path).isPresent()) {
                out.put(path, value);
            } else if (ConfigKeys.ALL.sections().contains(path)) {
                if (!value.isObject()) {
                    throw ConfigException.forKey(path, "expected a map of keys in " + file);
                }
                flatten(file, path + ".", value, out);
            } else {
                List<String> known = ConfigKeys.ALL.keys().stream().map(ConfigKey::path).toList();
                String hint = ConfigKeys.closest(path, known).map(p -> " (did you mean " + p + "?)").orElse("");
                throw new ConfigException(path + ": unknown configuration key in " + file + hint);
            }
        }
    }
}
