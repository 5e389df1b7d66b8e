package dev.vectis.config;

import java.nio.charset.StandardCharsets;

/** A configured secret. Its toString never shows the value, so it cannot leak through logs. */
public final class Secret {

    private final String value;

    public Secret(String value) {
        this.value = value;
    }

    public String reveal() {
        return value;
    }

    public byte[] bytes() {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "<redacted>";
    }
}
