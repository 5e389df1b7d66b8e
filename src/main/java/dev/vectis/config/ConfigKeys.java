package dev.vectis.config;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every configuration key, read from the {@link Settings} records the way Jackson binds them:
 * a record's components (or the parameters of its {@code @JsonCreator}) are its keys, named
 * in snake case unless {@code @JsonProperty} says otherwise; a component whose type is another
 * record of this package is a section of keys, or no level at all when {@code @JsonUnwrapped}.
 * The list serves environment variables, unknown-key checks and the start-up summary.
 */
final class ConfigKeys {

    static final ConfigKeys ALL = of(Settings.class);

    private final List<ConfigKey> keys = new ArrayList<>();
    private final Set<String> sections = new LinkedHashSet<>();

    private ConfigKeys() {
    }

    /** The keys of one record, from its own level down. */
    static ConfigKeys of(Class<?> root) {
        ConfigKeys all = new ConfigKeys();
        all.walk("", root, Map.of());
        return all;
    }

    List<ConfigKey> keys() {
        return keys;
    }

    /** Dotted paths of the maps that hold keys ({@code server.cors}, {@code rate_limit.login}). */
    Set<String> sections() {
        return sections;
    }

    Optional<ConfigKey> find(String path) {
        return keys.stream().filter(k -> k.path().equals(path)).findFirst();
    }

    Optional<ConfigKey> findEnv(String suffix) {
        return keys.stream().filter(k -> k.envSuffix().equals(suffix)).findFirst();
    }

    /** A component of a record as Jackson binds it. */
    private record Part(String name, Type type, AnnotatedElement annotations) {

        Class<?> rawType() {
            return (Class<?>) (type instanceof ParameterizedType p ? p.getRawType() : type);
        }

        Type argument(int index) {
            return type instanceof ParameterizedType p ? p.getActualTypeArguments()[index] : Object.class;
        }

        boolean has(Class<? extends java.lang.annotation.Annotation> annotation) {
            return annotations.isAnnotationPresent(annotation);
        }
    }

    private void walk(String prefix, Class<?> type, Map<String, String> defaults) {
        for (Part part : parts(type)) {
            String path = prefix + part.name();
            if (part.has(JsonUnwrapped.class)) {
                walk(prefix, part.rawType(), defaults);
            } else if (part.has(KeyRules.PerPolicy.class)) {
                for (RatePolicy policy : RatePolicy.values()) {
                    sections.add(prefix + policy.wireName());
                    walk(prefix + policy.wireName() + ".", (Class<?>) part.argument(1), policy.defaults());
                }
            } else if (isSection(part.rawType())) {
                sections.add(path);
                walk(path + ".", part.rawType(), Map.of());
            } else {
                keys.add(key(path, part, Optional.ofNullable(defaults.get(part.name()))));
            }
        }
    }

    private static ConfigKey key(String path, Part part, Optional<String> policyDefault) {
        Optional<String> defaultText = policyDefault.or(() -> Optional
                .ofNullable(part.annotations().getAnnotation(KeyRules.Default.class)).map(KeyRules.Default::value));
        if (part.rawType().isPrimitive() && defaultText.isEmpty()) {
            throw new IllegalStateException(path + " has no value when unset: give it a @Default");
        }
        boolean list = part.rawType() == List.class;
        boolean secret = part.rawType() == Secret.class || part.argument(0) == Secret.class;
        return new ConfigKey(path, defaultText, list, part.has(KeyRules.OnePerLine.class), secret);
    }

    private static boolean isSection(Class<?> type) {
        return type.isRecord() && type.getPackage() == Settings.class.getPackage();
    }

    /** The record's {@code @JsonCreator} parameters if it has one, else its components. */
    private static List<Part> parts(Class<?> type) {
        Optional<Method> creator = Arrays.stream(type.getDeclaredMethods())
                .filter(m -> Modifier.isStatic(m.getModifiers()) && m.isAnnotationPresent(JsonCreator.class))
                .findFirst();
        if (creator.isPresent()) {
            return Arrays.stream(creator.get().getParameters()).map(p -> new Part(
                    p.isAnnotationPresent(JsonAnySetter.class) ? "" : p.getAnnotation(JsonProperty.class).value(),
                    p.getParameterizedType(), p)).toList();
        }
        return Arrays.stream(type.getRecordComponents()).map(ConfigKeys::part).toList();
    }

    private static Part part(RecordComponent component) {
        Method accessor = component.getAccessor();
        JsonProperty named = accessor.getAnnotation(JsonProperty.class);
        String name = named != null ? named.value()
                : new PropertyNamingStrategies.SnakeCaseStrategy().translate(component.getName());
        return new Part(name, component.getGenericType(), accessor);
    }

    /** The known name nearest to a misspelt one, if it is close enough to be a typo. */
    static Optional<String> closest(String typo, List<String> candidates) {
        String lower = typo.toLowerCase();
        return candidates.stream()
                .filter(c -> distance(lower, c.toLowerCase()) <= 2)
                .min(Comparator.comparingInt(c -> distance(lower, c.toLowerCase())));
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
