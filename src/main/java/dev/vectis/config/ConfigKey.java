package dev.vectis.config;

import java.util.Locale;
import java.util.function.Function;

/**
 * One configuration key: its dotted path, default, how a raw value (from YAML or from an
 * environment variable) becomes a typed one, and whether its value must never be shown.
 */
public record ConfigKey(String path, Object defaultValue, Function<Object, Object> parser, boolean secret) {

    /** {@code server.port} → {@code SERVER_PORT}; the prefixes VECTIS_ and PROVIDER_REGISTRY_ go in front. */
    public String envSuffix() {
        return path.replace('.', '_').toUpperCase(Locale.ROOT);
    }
}
