package dev.vectis.fuzz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.fuzz.FuzzRoute.Auth;
import dev.vectis.testing.TestApp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A request being put together: the route's valid request, then whatever a mutation changed. */
final class Draft {

    /** The credential headers, made last because a signature covers the final target and body. */
    interface Credential {
        List<String[]> headers(String method, String target, byte[] body);
    }

    String method;
    final String path;
    final Map<String, String> params = new LinkedHashMap<>();
    /** Name and value as sent (percent-encoded); a null value is a name without '='. */
    final List<String[]> query = new ArrayList<>();
    final List<String[]> headers = new ArrayList<>();
    JsonNode json;
    List<Multipart.Part> parts;
    byte[] raw;
    /** Replaces the Content-Type the body implies; "" sends none. */
    String contentType;
    Credential credential;
    boolean escapeNonAscii;
    /** How the path is written on the request line, %s standing for it (a trailing slash, dot segments …). */
    String targetShape = "%s";
    final List<String> mutations = new ArrayList<>();

    private Draft(String method, String path) {
        this.method = method;
        this.path = path;
    }

    static Draft of(FuzzRoute route, Fixtures f) {
        Draft d = new Draft(route.method, route.path);
        route.params.forEach((k, v) -> d.params.put(k, v.apply(f)));
        route.query.forEach((k, v) -> d.query.add(new String[] {k, v.apply(f)}));
        route.headers.forEach((k, v) -> d.headers.add(new String[] {k, v.apply(f)}));
        d.json = route.json == null ? null : route.json.apply(f);
        d.parts = route.form ? new ArrayList<>(Multipart.execute(f.zip)) : null;
        d.credential = credential(route.auth, f);
        return d;
    }

    static Credential credential(Auth auth, Fixtures f) {
        return switch (auth) {
            case NONE -> bearer(null);
            case ADMIN -> bearer(TestApp.ADMIN_TOKEN);
            case WORKER -> bearer(TestApp.WORKER_TOKEN);
            case USER -> bearer(f.userToken);
            case VICTIM_USER -> bearer(f.victimToken());
            case PROVIDER -> bearer(f.providerToken());
            case ROTATING_PROVIDER -> bearer(f.rotatingProviderToken());
            case SIGNED -> (method, target, body) -> f.signed(f.signedWorker, f.signedSecret, method, target, body);
        };
    }

    static Credential bearer(String token) {
        return (method, target, body) -> token == null ? List.of()
                : List.<String[]>of(new String[] {"Authorization", "Bearer " + token});
    }

    static Credential header(String name, String value) {
        return (method, target, body) -> List.<String[]>of(new String[] {name, value});
    }

    String target() {
        String p = path;
        for (Map.Entry<String, String> e : params.entrySet()) {
            p = p.replace("{" + e.getKey() + "}", e.getValue()).replace("<" + e.getKey() + ">", e.getValue());
        }
        StringBuilder t = new StringBuilder(String.format(targetShape, p));
        for (int i = 0; i < query.size(); i++) {
            t.append(i == 0 ? '?' : '&').append(query.get(i)[0]);
            if (query.get(i)[1] != null) {
                t.append('=').append(query.get(i)[1]);
            }
        }
        return t.toString();
    }

    FuzzRequest build() {
        String target = target();
        byte[] body = null;
        String type = null;
        if (raw != null) {
            body = raw;
            type = "application/json";
        } else if (json != null) {
            body = jsonBytes();
            type = "application/json";
        } else if (parts != null) {
            body = Multipart.encode(parts);
            type = "multipart/form-data; boundary=" + Multipart.BOUNDARY;
        }
        List<String[]> all = new ArrayList<>();
        if (contentType != null ? !contentType.isEmpty() : type != null) {
            all.add(new String[] {"Content-Type", contentType != null ? contentType : type});
        }
        all.addAll(headers);
        all.addAll(credential.headers(method, target, body));
        return new FuzzRequest(method, target, all, body,
                mutations.isEmpty() ? "none (the valid request)" : String.join("; ", mutations));
    }

    /** UTF-8 JSON; a text with a lone surrogate has no UTF-8 form, so it goes as a \\u escape. */
    private byte[] jsonBytes() {
        try {
            if (!escapeNonAscii) {
                String text = Fixtures.MAPPER.writeValueAsString(json);
                byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                if (new String(utf8, StandardCharsets.UTF_8).equals(text)) {
                    return utf8;
                }
            }
            return Fixtures.MAPPER.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII).writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
