package dev.vectis.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code os=linux,gpu=true} as typed on a command line; the server checks what a key or value may hold. */
final class LabelPairs {

    private LabelPairs() {
    }

    static Map<String, String> parse(String text, String option) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String pair : text.strip().split(",", -1)) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? "" : pair.substring(0, eq).strip();
            String value = eq < 0 ? "" : pair.substring(eq + 1).strip();
            if (key.isEmpty() || value.isEmpty() || value.contains("=")
                    || (key + value).chars().anyMatch(Character::isWhitespace)) {
                throw CliFailure.usage(option + " must be key=value pairs separated by commas, as in os=linux,gpu=true");
            }
            if (pairs.put(key, value) != null) {
                throw CliFailure.usage(option + " names the key " + key + " twice");
            }
        }
        return pairs;
    }
}
