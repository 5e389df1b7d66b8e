package dev.vectis.api.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import java.util.ArrayList;
import java.util.List;

/** Shared steps of the tokens and audit tests. */
final class Operators {

    /** A named token just issued: its id and its secret, which the server shows only once. */
    record Issued(String id, String secret) {
        String[] bearer() {
            return Operators.bearer(secret);
        }
    }

    private Operators() {
    }

    static String[] bearer(String token) {
        return new String[] {"Authorization", "Bearer " + token};
    }

    static Http.Response create(TestApp app, String body, String... headers) {
        return app.http.post("/api/v1/tokens", body, headers);
    }

    /** A new token with this role, issued by the configured admin token. */
    static Issued token(TestApp app, String name, String role) {
        Http.Response r = create(app, "{\"name\": \"" + name + "\", \"role\": \"" + role + "\"}", TestApp.admin());
        assertThat(r.status()).as("POST /api/v1/tokens: %s", r.body()).isEqualTo(201);
        JsonNode data = r.json().get("data");
        return new Issued(data.get("id").asText(), data.get("token").asText());
    }

    static Http.Response revoke(TestApp app, String id, String... headers) {
        return app.http.method("DELETE", "/api/v1/tokens/" + id, null, headers);
    }

    /** The audit entries a query finds, newest first (first page only). */
    static List<JsonNode> audit(TestApp app, String query) {
        Http.Response r = app.http.get("/api/v1/audit" + query, TestApp.admin());
        assertThat(r.status()).as("GET /api/v1/audit%s: %s", query, r.body()).isEqualTo(200);
        List<JsonNode> entries = new ArrayList<>();
        r.json().get("data").get("entries").forEach(entries::add);
        return entries;
    }

    /** The one entry written for the request with this id. */
    static JsonNode entryFor(TestApp app, String requestId) {
        long written = app.app().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM audit_log WHERE request_id = :r").bind("r", requestId).mapTo(Long.class).one());
        assertThat(written).as("audit entries for request %s", requestId).isEqualTo(1);
        return audit(app, "?limit=1000").stream().filter(e -> e.get("requestId").asText().equals(requestId))
                .findFirst().orElseThrow();
    }

    /** The gateway's operator error shape, which the tokens API shares. */
    static void assertError(Http.Response r, int status, String code) {
        assertThat(r.status()).as("status of %s", r.body()).isEqualTo(status);
        assertThat(r.json().get("success").asBoolean()).isFalse();
        assertThat(r.json().get("error").asText()).isNotBlank();
        if (code != null) {
            assertThat(r.json().get("code").asText()).isEqualTo(code);
        }
    }
}
