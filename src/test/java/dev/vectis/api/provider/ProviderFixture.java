package dev.vectis.api.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vectis.providers.TestKeys;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** Starting a server for provider tests, and the steps most of them take: register, sign in. */
final class ProviderFixture {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String BASE = "/api/v1/registration";

    record Account(String id, String apiKey) {
    }

    private ProviderFixture() {
    }

    /** Cheap bcrypt keeps the suite fast (TestApp already turns the rate limit off unless a test asks). */
    static TestApp start(TestDatabase db, Map<String, String> env, Clock clock) {
        Map<String, String> all = new HashMap<>();
        all.put("VECTIS_PROVIDERS_BCRYPT_COST", "4");
        all.putAll(env);
        return TestApp.start(db, all, clock);
    }

    static TestApp start(TestDatabase db) {
        return start(db, Map.of(), Clock.systemUTC());
    }

    static ObjectNode body(String email) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("name", "ACME Compute Provider");
        body.put("email", email);
        body.put("organization", "ACME Corp");
        body.put("public_key", TestKeys.pkix(TestKeys.rsa(2048)));
        body.putArray("endpoints").addObject()
                .put("type", "api").put("url", "https://api.acme.com").put("protocol", "https").put("secure", true);
        body.putObject("metadata").put("region", "us-west-2").putArray("supported_formats").add("ONNX").add("TensorRT");
        body.put("terms", true);
        return body;
    }

    static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Http.Response register(TestApp app, JsonNode body) {
        return app.http.post(BASE + "/register", json(body));
    }

    static Account registered(TestApp app, String email) {
        Http.Response r = register(app, body(email));
        if (r.status() != 201) {
            throw new AssertionError("registration failed: " + r.body());
        }
        return new Account(r.json().get("provider_id").asText(), r.json().get("api_key").asText());
    }

    static Http.Response authenticate(TestApp app, String id, String apiKey) {
        return app.http.post(BASE + "/auth", json(Map.of("provider_id", id, "api_key", apiKey)));
    }

    static String token(TestApp app, Account account) {
        Http.Response r = authenticate(app, account.id(), account.apiKey());
        if (r.status() != 200) {
            throw new AssertionError("authentication failed: " + r.body());
        }
        return r.json().get("token").asText();
    }

    static String[] bearer(String token) {
        return new String[] {"Authorization", "Bearer " + token};
    }

    static JsonNode jwtPart(String token, int part) {
        try {
            return MAPPER.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[part]));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static Http.Response admin(TestApp app, String action, String id, String body) {
        return app.http.method("POST", "/admin/providers/" + id + "/" + action, body, TestApp.admin());
    }
}
