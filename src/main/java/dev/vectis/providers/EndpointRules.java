package dev.vectis.providers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.error.Violation;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The endpoints rules: at least one; each an absolute URL with a host and no credentials;
 * a supported protocol (taken from the URL's scheme when not given); a port of 1-65535; and
 * {@code secure} agreeing with the protocol, and the URL's scheme agreeing with both.
 */
final class EndpointRules {

    static final int MAX_ENDPOINTS = 20;
    static final int MAX_URL = 2048;
    static final int MAX_TYPE = 50;
    static final Set<String> PROTOCOLS = Set.of("http", "https", "grpc", "grpc+tls", "websocket", "wss");
    static final Set<String> SECURE = Set.of("https", "grpc+tls", "wss");
    /** The protocol a URL scheme implies, for endpoints that leave protocol out. */
    private static final Map<String, String> BY_SCHEME = Map.of("http", "http", "https", "https", "ws", "websocket",
            "wss", "wss", "grpc", "grpc", "grpcs", "grpc+tls", "grpc+tls", "grpc+tls");
    private static final Set<String> PLAIN_SCHEMES = Set.of("http", "ws", "grpc");
    private static final Set<String> TLS_SCHEMES = Set.of("https", "wss", "grpcs", "grpc+tls");

    private EndpointRules() {
    }

    static List<Endpoint> check(JsonNode node, List<Violation> out) {
        if (node == null || node.isNull() || (node.isArray() && node.isEmpty())) {
            out.add(new Violation("endpoints", "At least one endpoint is required", "ENDPOINTS_REQUIRED"));
            return List.of();
        }
        if (!node.isArray()) {
            out.add(new Violation("endpoints", "endpoints must be an array of objects", "INVALID_TYPE"));
            return List.of();
        }
        if (node.size() > MAX_ENDPOINTS) {
            out.add(new Violation("endpoints", "At most " + MAX_ENDPOINTS + " endpoints are allowed",
                    "TOO_MANY_ENDPOINTS"));
            return List.of();
        }
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            Endpoint e = one(node.get(i), "endpoints[" + i + "]", out);
            if (e != null) {
                endpoints.add(e);
            }
        }
        return endpoints;
    }

    /** The endpoint, or null when anything about it is wrong (each problem added to {@code out}). */
    private static Endpoint one(JsonNode e, String at, List<Violation> out) {
        if (!e.isObject()) {
            out.add(new Violation(at, at + " must be an object", "INVALID_TYPE"));
            return null;
        }
        int before = out.size();
        String type = Fields.optionalText(e, "type", at + ".type", MAX_TYPE, out);
        URI url = url(e.get("url"), at + ".url", out);
        String protocol = protocol(e.get("protocol"), url, at, out);
        Integer port = port(e.get("port"), url, at, out);
        JsonNode secureNode = e.get("secure");
        Boolean secure = null;
        if (secureNode != null && !secureNode.isNull()) {
            if (secureNode.isBoolean()) {
                secure = secureNode.booleanValue();
            } else {
                out.add(new Violation(at + ".secure", at + ".secure must be true or false", "INVALID_TYPE"));
            }
        }
        if (protocol != null) {
            boolean expected = SECURE.contains(protocol);
            if (secure != null && secure != expected) {
                out.add(new Violation(at + ".secure", at + ".secure is " + secure + " but protocol " + protocol
                        + " is " + (expected ? "secure" : "not secure"), "SECURITY_MISMATCH"));
            }
            String scheme = url == null ? null : url.getScheme().toLowerCase(Locale.ROOT);
            if (scheme != null && (expected ? PLAIN_SCHEMES.contains(scheme) : TLS_SCHEMES.contains(scheme))) {
                out.add(new Violation(at + ".url", at + ".url uses " + scheme + ":// but protocol " + protocol
                        + " is " + (expected ? "secure" : "not secure"), "SECURITY_MISMATCH"));
            }
            secure = expected;
        }
        if (out.size() > before) {
            return null;
        }
        return new Endpoint(type, url.toString(), protocol, secure, port);
    }

    private static URI url(JsonNode node, String field, List<Violation> out) {
        if (node == null || node.isNull()) {
            out.add(new Violation(field, field + " is required", "URL_REQUIRED"));
            return null;
        }
        if (!node.isTextual()) {
            out.add(new Violation(field, field + " must be a string", "INVALID_TYPE"));
            return null;
        }
        String text = node.textValue().trim();
        if (text.length() > MAX_URL) {
            out.add(new Violation(field, field + " is longer than " + MAX_URL + " characters", "FIELD_TOO_LONG"));
            return null;
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            out.add(new Violation(field, field + " is not a valid URL", "INVALID_URL"));
            return null;
        }
        if (uri.getScheme() == null || uri.isOpaque() || uri.getRawAuthority() == null) {
            out.add(new Violation(field, field + " must be an absolute URL with a scheme and a host, e.g. "
                    + "https://api.example.com", "INVALID_URL"));
            return null;
        }
        String portText = portText(uri.getRawAuthority());
        if (portText != null && !portText.isEmpty() && !inRange(portText)) {
            out.add(new Violation(field, field + " has port " + abbreviate(portText) + "; ports are 1-65535",
                    "INVALID_PORT"));
            return null;
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            out.add(new Violation(field, field + " must have a valid host", "INVALID_URL"));
            return null;
        }
        if (uri.getRawUserInfo() != null) {
            out.add(new Violation(field, field + " must not contain credentials", "INVALID_URL"));
            return null;
        }
        return uri;
    }

    private static String protocol(JsonNode node, URI url, String at, List<Violation> out) {
        String field = at + ".protocol";
        if (node == null || node.isNull()) {
            if (url == null) {
                return null;
            }
            String implied = BY_SCHEME.get(url.getScheme().toLowerCase(Locale.ROOT));
            if (implied == null) {
                out.add(new Violation(field, field + " is missing and the URL scheme " + url.getScheme()
                        + " is not one of " + supported(), "UNSUPPORTED_PROTOCOL"));
            }
            return implied;
        }
        if (!node.isTextual()) {
            out.add(new Violation(field, field + " must be a string", "INVALID_TYPE"));
            return null;
        }
        String protocol = node.textValue().trim().toLowerCase(Locale.ROOT);
        if (!PROTOCOLS.contains(protocol)) {
            out.add(new Violation(field, field + " must be one of " + supported(), "UNSUPPORTED_PROTOCOL"));
            return null;
        }
        return protocol;
    }

    /** An explicit port field; it must agree with a port written in the URL. */
    private static Integer port(JsonNode node, URI url, String at, List<Violation> out) {
        String field = at + ".port";
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber()) {
            out.add(new Violation(field, field + " must be a whole number", "INVALID_TYPE"));
            return null;
        }
        if (!node.canConvertToInt() || node.intValue() < 1 || node.intValue() > 65535) {
            out.add(new Violation(field, field + " must be between 1 and 65535", "INVALID_PORT"));
            return null;
        }
        if (url != null && url.getPort() != -1 && url.getPort() != node.intValue()) {
            out.add(new Violation(field, field + " is " + node.intValue() + " but the URL says " + url.getPort(),
                    "INVALID_PORT"));
            return null;
        }
        return node.intValue();
    }

    /** The text after the authority's last colon (outside an IPv6 literal), or null without one. */
    private static String portText(String authority) {
        int colon = authority.lastIndexOf(':');
        return colon > authority.lastIndexOf(']') && colon > authority.lastIndexOf('@')
                ? authority.substring(colon + 1) : null;
    }

    private static boolean inRange(String digits) {
        if (!digits.matches("[0-9]{1,5}")) {
            return false;
        }
        int port = Integer.parseInt(digits);
        return port >= 1 && port <= 65535;
    }

    private static String abbreviate(String s) {
        return s.length() > 12 ? s.substring(0, 12) + "…" : s;
    }

    private static String supported() {
        return "http, https, grpc, grpc+tls, websocket, wss";
    }
}
