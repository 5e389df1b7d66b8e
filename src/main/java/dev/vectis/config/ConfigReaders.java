package dev.vectis.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.module.SimpleDeserializers;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How configuration text becomes typed values when Jackson binds the {@link Settings} records.
 * Every value arrives as text or a YAML scalar, so each type has one reader that accepts both,
 * refuses lists and maps, and says what is wrong in a message the loader prefixes with the key.
 */
final class ConfigReaders {

    /** Relative paths are resolved against this directory (a {@link Path} context attribute). */
    static final String WORKING_DIR = "vectis.config.workingDir";

    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,10}");
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,12})\\s*(B|KB|KiB|MB|MiB|GB|GiB)?");

    private ConfigReaders() {
    }

    static ObjectMapper mapper() {
        SimpleModule module = new SimpleModule("vectis-config");
        module.setDeserializers(new SimpleDeserializers() {
            @Override
            public JsonDeserializer<?> findEnumDeserializer(Class<?> type, DeserializationConfig config,
                                                            BeanDescription description) {
                return new Read<>(null, (raw, property, ctxt) -> choice(raw, type.getEnumConstants()));
            }
        });
        add(module, (raw, property, ctxt) -> text(raw, property), String.class);
        add(module, (raw, property, ctxt) -> number(raw, property), Integer.class, int.class);
        add(module, (raw, property, ctxt) -> size(raw, property), Long.class, long.class);
        add(module, (raw, property, ctxt) -> flag(raw), Boolean.class, boolean.class);
        add(module, (raw, property, ctxt) -> Duration.ofSeconds(number(raw, property)), Duration.class);
        add(module, (raw, property, ctxt) -> new Secret(text(raw, null)), Secret.class);
        add(module, (raw, property, ctxt) -> path(raw, ctxt), Path.class);
        return new ObjectMapper()
                .registerModule(new Jdk8Module())
                .registerModule(module)
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    }

    @SafeVarargs
    private static <T> void add(SimpleModule module, Conversion<T> conversion, Class<T>... types) {
        for (Class<T> type : types) {
            module.addDeserializer(type, new Read<>(null, conversion));
        }
    }

    /**
     * Text to a value, for the component it is read for (whose annotations it may consult).
     * An IllegalArgumentException says what is wrong, without the key, which the loader adds.
     */
    private interface Conversion<T> {
        T convert(String raw, BeanProperty property, DeserializationContext ctxt);
    }

    private static final class Read<T> extends JsonDeserializer<T> implements ContextualDeserializer {
        private final BeanProperty property;
        private final Conversion<T> conversion;

        Read(BeanProperty property, Conversion<T> conversion) {
            this.property = property;
            this.conversion = conversion;
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
            return new Read<>(property, conversion);
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken().isStructStart()) {
                throw JsonMappingException.from(p, "expected a single value, not a list or map");
            }
            try {
                return conversion.convert(p.getText(), property, ctxt);
            } catch (IllegalArgumentException e) {
                throw JsonMappingException.from(p, e.getMessage());
            }
        }
    }

    private static String text(String raw, BeanProperty property) {
        boolean verbatim = annotation(property, KeyRules.OnePerLine.class) != null;
        String text = verbatim ? raw : raw.trim();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
        }
        KeyRules.OneOf oneOf = annotation(property, KeyRules.OneOf.class);
        return oneOf == null ? text : choice(text, oneOf.value());
    }

    private static Path path(String raw, DeserializationContext ctxt) {
        Path path = Path.of(text(raw, null));
        return ctxt.getAttribute(WORKING_DIR) instanceof Path dir ? dir.resolve(path).normalize() : path;
    }

    private static <T> T choice(String raw, T[] choices) {
        Function<T, String> word = c -> c.toString().toLowerCase(Locale.ROOT);
        String text = raw.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(choices).filter(c -> word.apply(c).equals(text)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(quote(raw) + " is not one of "
                        + String.join(", ", Arrays.stream(choices).map(word).toList())));
    }

    private static int number(String raw, BeanProperty property) {
        String text = raw.trim();
        KeyRules.Port port = annotation(property, KeyRules.Port.class);
        if (port != null) {
            if (!DIGITS.matcher(text).matches()) {
                throw new IllegalArgumentException(quote(raw) + " is not a port number");
            }
            long value = Long.parseLong(text);
            if (value > 65535 || value < (port.anyFree() ? 0 : 1)) {
                throw new IllegalArgumentException(quote(raw) + " is not a port number (1-65535"
                        + (port.anyFree() ? ", or 0 for any free port)" : ")"));
            }
            return (int) value;
        }
        if (!DIGITS.matcher(text).matches()) {
            throw new IllegalArgumentException(quote(raw) + " is not a whole number");
        }
        KeyRules.Range range = annotation(property, KeyRules.Range.class);
        long value = Long.parseLong(text);
        long min = range == null ? 0 : range.min();
        long max = range == null ? Integer.MAX_VALUE : range.max();
        if (value < min || value > max) {
            throw new IllegalArgumentException(value + " is out of range (" + min + "-" + max + ")");
        }
        return (int) value;
    }

    /** Bytes, as a plain number or with a unit: 512KiB, 10MiB, 1GB. */
    private static long size(String raw, BeanProperty property) {
        Matcher m = SIZE.matcher(raw.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(quote(raw) + " is not a size (e.g. 10485760, 10MiB)");
        }
        long factor = switch (m.group(2) == null ? "B" : m.group(2)) {
            case "KB" -> 1_000L;
            case "KiB" -> 1L << 10;
            case "MB" -> 1_000_000L;
            case "MiB" -> 1L << 20;
            case "GB" -> 1_000_000_000L;
            case "GiB" -> 1L << 30;
            default -> 1L;
        };
        long bytes = Long.parseLong(m.group(1)) * factor;
        KeyRules.Range range = annotation(property, KeyRules.Range.class);
        long min = range == null ? 1L << 10 : range.min();
        long max = range == null ? 1L << 40 : range.max();
        if (bytes < min || bytes > max) {
            throw new IllegalArgumentException(quote(raw) + " is out of range ("
                    + (range == null ? "1KiB-1TiB" : min + "-" + max + " bytes") + ")");
        }
        return bytes;
    }

    private static boolean flag(String raw) {
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(quote(raw) + " is not true or false");
        };
    }

    private static <A extends java.lang.annotation.Annotation> A annotation(BeanProperty property, Class<A> type) {
        return property == null ? null : property.getAnnotation(type);
    }

    private static String quote(String raw) {
        return "\"" + raw + "\"";
    }
}
