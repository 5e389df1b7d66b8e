package dev.vectis.config;

import dev.vectis.net.IpLiteral;
import dev.vectis.sessions.LogPatterns;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns raw values into typed ones. A raw value is what YAML gave (String, Integer,
 * Boolean, List) or an environment variable's text. Failures throw
 * IllegalArgumentException with a message the loader prefixes with the key.
 */
final class ConfigParsers {

    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,10}");
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,12})\\s*(B|KB|KiB|MB|MiB|GB|GiB)?");

    private ConfigParsers() {
    }

    static Object text(Object raw) {
        if (raw instanceof List || raw instanceof java.util.Map) {
            throw new IllegalArgumentException("expected a single value, not a list or map");
        }
        String value = raw.toString().trim();
        if (value.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
        }
        return value;
    }

    static Object secret(Object raw) {
        return new Secret((String) text(raw));
    }

    static Object port(Object raw) {
        return portNumber(raw, true);
    }

    static Object portList(Object raw) {
        List<Integer> ports = new ArrayList<>();
        for (String item : items(raw)) {
            ports.add(portNumber(item, false));
        }
        return List.copyOf(ports);
    }

    private static int portNumber(Object raw, boolean zeroAllowed) {
        String text = raw.toString().trim();
        if (!DIGITS.matcher(text).matches()) {
            throw new IllegalArgumentException(quote(raw) + " is not a port number");
        }
        long port = Long.parseLong(text);
        if (port > 65535 || port < (zeroAllowed ? 0 : 1)) {
            throw new IllegalArgumentException(quote(raw) + " is not a port number (1-65535"
                    + (zeroAllowed ? ", or 0 for any free port)" : ")"));
        }
        return (int) port;
    }

    static Function<Object, Object> integer(int min, int max) {
        return raw -> {
            String text = raw.toString().trim();
            if (!DIGITS.matcher(text).matches()) {
                throw new IllegalArgumentException(quote(raw) + " is not a whole number");
            }
            long value = Long.parseLong(text);
            if (value < min || value > max) {
                throw new IllegalArgumentException(value + " is out of range (" + min + "-" + max + ")");
            }
            return (int) value;
        };
    }

    static Object bool(Object raw) {
        String text = raw.toString().trim().toLowerCase(Locale.ROOT);
        if (text.equals("true")) {
            return true;
        }
        if (text.equals("false")) {
            return false;
        }
        throw new IllegalArgumentException(quote(raw) + " is not true or false");
    }

    static Function<Object, Object> oneOf(String... choices) {
        Set<String> allowed = Set.of(choices);
        return raw -> {
            String text = raw.toString().trim().toLowerCase(Locale.ROOT);
            if (!allowed.contains(text)) {
                throw new IllegalArgumentException(quote(raw) + " is not one of " + String.join(", ", choices));
            }
            return text;
        };
    }

    /** Bytes, as a plain number or with a unit: 512KiB, 10MiB, 1GB. */
    static Object size(Object raw) {
        Matcher m = SIZE.matcher(raw.toString().trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(quote(raw) + " is not a size (e.g. 10485760, 10MiB)");
        }
        long number = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        long factor = switch (unit) {
            case "KB" -> 1_000L;
            case "KiB" -> 1L << 10;
            case "MB" -> 1_000_000L;
            case "MiB" -> 1L << 20;
            case "GB" -> 1_000_000_000L;
            case "GiB" -> 1L << 30;
            default -> 1L;
        };
        long bytes = number * factor;
        if (bytes < 1024 || bytes > (1L << 40)) {
            throw new IllegalArgumentException(quote(raw) + " is out of range (1KiB-1TiB)");
        }
        return bytes;
    }


    /**
     * Regular expressions for worker logs: a YAML list, or one pattern per line in an
     * environment variable (commas are common inside patterns, so they cannot separate them).
     */
    static Object patterns(Object raw) {
        List<String> patterns = new ArrayList<>();
        if (raw instanceof List<?> list) {
            for (Object item : list) {
                if (item == null || item instanceof List || item instanceof java.util.Map) {
                    throw new IllegalArgumentException("list items must be single values");
                }
                patterns.add(item.toString());
            }
        } else {
            for (String line : raw.toString().split("\\R")) {
                if (!line.isBlank()) {
                    patterns.add(line);
                }
            }
        }
        LogPatterns.compileAll(patterns, "");
        return List.copyOf(patterns);
    }

    static Object secretList(Object raw) {
        return items(raw).stream().map(Secret::new).toList();
    }

    static Object jdbcUrl(Object raw) {
        String url = (String) text(raw);
        if (!url.startsWith("jdbc:postgresql:") && !url.startsWith("jdbc:h2:")) {
            throw new IllegalArgumentException("only jdbc:postgresql: and jdbc:h2: URLs are supported");
        }
        return url;
    }

    /** "*" or an origin: scheme, host and optional port, nothing more. */
    static Object origins(Object raw) {
        List<String> origins = items(raw);
        for (String origin : origins) {
            if (origin.equals("*")) {
                continue;
            }
            try {
                URI uri = new URI(origin);
                boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
                boolean bare = uri.getHost() != null && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                        && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
                if (!web || !bare) {
                    throw new IllegalArgumentException(quote(origin) + " is not an origin (e.g. https://console.example.com)");
                }
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(quote(origin) + " is not an origin (e.g. https://console.example.com)");
            }
        }
        return List.copyOf(origins);
    }

    /** IP addresses or CIDR blocks, literals only: no name is ever looked up. */
    static Object networks(Object raw) {
        List<String> networks = items(raw);
        for (String network : networks) {
            if (IpLiteral.parseNetwork(network).isEmpty()) {
                throw new IllegalArgumentException(quote(network) + " is not an IP address or CIDR block");
            }
        }
        return List.copyOf(networks);
    }

    /** A YAML list, or comma-separated text (environment variables). */
    private static List<String> items(Object raw) {
        List<String> out = new ArrayList<>();
        if (raw instanceof List<?> list) {
            for (Object item : list) {
                if (item == null || item instanceof List || item instanceof java.util.Map) {
                    throw new IllegalArgumentException("list items must be single values");
                }
                out.add(item.toString().trim());
            }
        } else {
            for (String part : raw.toString().split(",")) {
                out.add(part.trim());
            }
        }
        out.removeIf(String::isEmpty);
        return out;
    }

    private static String quote(Object raw) {
        return "\"" + raw + "\"";
    }
}
