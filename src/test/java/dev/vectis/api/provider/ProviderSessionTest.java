package dev.vectis.api.provider;

import static dev.vectis.api.provider.ProviderFixture.BASE;
import static dev.vectis.api.provider.ProviderFixture.authenticate;
import static dev.vectis.api.provider.ProviderFixture.b64;
import static dev.vectis.api.provider.ProviderFixture.bearer;
import static dev.vectis.api.provider.ProviderFixture.jwtPart;
import static dev.vectis.api.provider.ProviderFixture.registered;
import static dev.vectis.api.provider.ProviderFixture.token;
import static dev.vectis.api.provider.ProviderRegistrationTest.assertSpecError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vectis.api.provider.ProviderFixture.Account;
import dev.vectis.auth.Jwt;
import dev.vectis.providers.TestKeys;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

class ProviderSessionTest {

    private static Http.Response profile(TestApp app, String token) {
        return app.http.get(BASE + "/profile", bearer(token));
    }

    private static Http.Response patch(TestApp app, String token, Object body) {
        return app.http.method("PATCH", BASE + "/profile", ProviderFixture.json(body), bearer(token));
    }

    private static List<String> events(TestApp app, String providerId) {
        return app.app().database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT type FROM events WHERE source = 'providers' AND data LIKE :id ORDER BY id")
                .bind("id", "%" + providerId + "%").mapTo(String.class).list());
    }

    /** Everything but the per-request fields, to compare two refusals. */
    private static JsonNode stable(Http.Response r) {
        ObjectNode copy = ((ObjectNode) r.json()).deepCopy();
        copy.remove(List.of("timestamp", "request_id"));
        return copy;
    }

    @DbTest
    void anApiKeyBuysAnHs256TokenWithEveryClaim(TestDatabase db) {
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        try (TestApp app = ProviderFixture.start(db, Map.of(), clock)) {
            Account a = registered(app, "admin@acme.com");
            Http.Response r = authenticate(app, a.id(), a.apiKey());
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.header("Cache-Control")).isEqualTo("no-store");
            JsonNode b = r.json();
            assertThat(b.get("token_type").asText()).isEqualTo("Bearer");
            assertThat(b.get("expires_in").asLong()).isEqualTo(24 * 3600);
            assertThat(b.get("expires_at").asText()).isEqualTo("2030-01-02T00:00:00Z");
            String token = b.get("token").asText();
            assertThat(jwtPart(token, 0).get("alg").asText()).isEqualTo("HS256");
            JsonNode claims = jwtPart(token, 1);
            assertThat(claims.get("iss").asText()).isEqualTo("vectis");
            assertThat(claims.get("aud").asText()).isEqualTo("provider-registry");
            assertThat(claims.get("sub").asText()).isEqualTo(a.id());
            assertThat(claims.get("iat").asLong()).isEqualTo(clock.instant().getEpochSecond());
            assertThat(claims.get("exp").asLong()).isEqualTo(clock.instant().getEpochSecond() + 24 * 3600);
            assertThat(claims.get("jti").asText()).isNotBlank();
            assertThat(jwtPart(token(app, a), 1).get("jti").asText()).isNotEqualTo(claims.get("jti").asText());
        }
    }

    @DbTest
    void theExpiryComesFromJwtExpiryHours(TestDatabase db) {
        try (TestApp app = ProviderFixture.start(db, Map.of("PROVIDER_REGISTRY_JWT_EXPIRY_HOURS", "2"),
                Clock.systemUTC())) {
            Account a = registered(app, "admin@acme.com");
            assertThat(authenticate(app, a.id(), a.apiKey()).json().get("expires_in").asLong()).isEqualTo(7200);
        }
    }

    @DbTest
    void aWrongKeyAndAnUnknownProviderGetTheSame401(TestDatabase db) {
        try (TestApp app = ProviderFixture.start(db)) {
            Account a = registered(app, "a@acme.com");
            Account b = registered(app, "b@acme.com");
            Http.Response wrongKey = authenticate(app, a.id(), "pk_" + "A".repeat(43));
            assertSpecError(wrongKey, 401, "Unauthorized");
            assertThat(wrongKey.json().has("validation_errors")).isFalse();
            JsonNode expected = stable(wrongKey);
            for (Http.Response r : List.of(
                    authenticate(app, UUID.randomUUID().toString(), a.apiKey()),
                    authenticate(app, b.id(), a.apiKey()),
                    authenticate(app, a.id(), a.apiKey().substring(0, 20)),
                    authenticate(app, a.id(), a.apiKey() + "x"),
                    authenticate(app, "not-a-uuid", a.apiKey()),
                    authenticate(app, a.id(), "x".repeat(5000)))) {
                assertThat(r.status()).isEqualTo(401);
                assertThat(stable(r)).isEqualTo(expected);
            }
            assertSpecError(app.http.post(BASE + "/auth", "{}"), 400, "Bad Request",
                    "provider_id:PROVIDER_ID_REQUIRED", "api_key:API_KEY_REQUIRED");
            assertSpecError(app.http.post(BASE + "/auth", "{\"provider_id\":1,\"api_key\":\"pk_x\"}"), 400,
                    "Bad Request", "provider_id:INVALID_TYPE");
            assertThat(authenticate(app, a.id().toUpperCase(), a.apiKey()).status()).isEqualTo(200);
        }
    }

    @DbTest
    void aPendingProviderReadsAndEditsItsProfile(TestDatabase db) {
        try (TestApp app = ProviderFixture.start(db)) {
            Account a = registered(app, "admin@acme.com");
            String token = token(app, a);
            JsonNode p = profile(app, token).json();
            assertThat(p.get("provider_id").asText()).isEqualTo(a.id());
            assertThat(p.get("status").asText()).isEqualTo("pending");
            assertThat(p.get("organization").asText()).isEqualTo("ACME Corp");
            assertThat(p.get("public_key").asText()).startsWith("-----BEGIN PUBLIC KEY-----");
            assertThat(p.get("endpoints").get(0).get("url").asText()).isEqualTo("https://api.acme.com");
            assertThat(p.get("metadata").get("region").asText()).isEqualTo("us-west-2");
            assertThat(p.toString()).doesNotContain("api_key").doesNotContain("hash");

            String newKey = TestKeys.pkcs1(TestKeys.rsa(2048));
            Map<String, Object> changes = Map.of("name", "ACME West", "public_key", newKey,
                    "endpoints", List.of(Map.of("url", "grpc://gpu.acme.com:50051", "protocol", "grpc")),
                    "metadata", Map.of("region", "eu-west-1"));
            Http.Response edited = patch(app, token, changes);
            assertThat(edited.status()).as(edited.body()).isEqualTo(200);
            JsonNode e = edited.json();
            assertThat(e.get("name").asText()).isEqualTo("ACME West");
            assertThat(e.get("organization").asText()).isEqualTo("ACME Corp");
            assertThat(e.get("public_key").asText()).isEqualTo(newKey.trim());
            assertThat(e.get("endpoints").get(0).get("secure").asBoolean()).isFalse();
            assertThat(e.get("metadata").toString()).isEqualTo("{\"region\":\"eu-west-1\"}");
            assertThat(profile(app, token).json()).isEqualTo(e);
            assertThat(events(app, a.id())).containsExactly("provider.registered", "provider.updated");

            Http.Response bad = patch(app, token, Map.of("name", "no", "email", "new@acme.com",
                    "public_key", TestKeys.pkix(TestKeys.rsa(1024)),
                    "endpoints", List.of(Map.of("url", "https://x.acme.com", "secure", false))));
            assertSpecError(bad, 400, "Bad Request", "name:NAME_LENGTH", "public_key:KEY_TOO_SMALL",
                    "endpoints[0].secure:SECURITY_MISMATCH", "email:FIELD_NOT_EDITABLE");
            assertThat(profile(app, token).json()).isEqualTo(e);
            assertSpecError(app.http.method("PATCH", BASE + "/profile", "{oops", bearer(token)), 400, "Bad Request",
                    "body:INVALID_REQUEST");
        }
    }

    @DbTest
    void missingAndMalformedBearerTokensAre401(TestDatabase db) {
        try (TestApp app = ProviderFixture.start(db)) {
            Http.Response none = app.http.get(BASE + "/profile");
            assertSpecError(none, 401, "Unauthorized");
            assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer");
            assertSpecError(app.http.get(BASE + "/profile", "Authorization", "Bearer nonsense"), 401, "Unauthorized");
            assertSpecError(app.http.get(BASE + "/profile", TestApp.admin()), 401, "Unauthorized");
            Account a = registered(app, "a@acme.com");
            assertSpecError(app.http.get(BASE + "/profile", "Authorization", "Basic " + token(app, a)), 401,
                    "Unauthorized");
            assertSpecError(app.http.post(BASE + "/refresh", ""), 401, "Unauthorized");
            assertSpecError(app.http.post(BASE + "/rotate-key", ""), 401, "Unauthorized");
        }
    }

    @DbTest
    void algNoneForeignAndTamperedTokensAreRefused(TestDatabase db) {
        try (TestApp app = ProviderFixture.start(db)) {
            Account a = registered(app, "a@acme.com");
            Account b = registered(app, "b@acme.com");
            String token = token(app, a);
            String[] parts = token.split("\\.");
            String claims = jwtPart(token, 1).toString();

            String none = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
            String hs512 = b64("{\"alg\":\"HS512\",\"typ\":\"JWT\"}") + "." + parts[1] + "." + parts[2];
            String otherSubject = parts[0] + "." + b64(claims.replace(a.id(), b.id())) + "." + parts[2];
            String longerLife = parts[0] + "." + b64(claims.replaceFirst("\"exp\":(\\d+)", "\"exp\":9999999999"))
                    + "." + parts[2];
            String flippedSignature = parts[0] + "." + parts[1] + "." + (parts[2].charAt(0) == 'A' ? "B" : "A")
                    + parts[2].substring(1);
            byte[] otherKey = new byte[32];
            String foreignKey = new Jwt(otherKey, "vectis", Clock.systemUTC())
                    .issue(a.id(), "provider-registry", Duration.ofHours(1), Map.of()).token();
            String otherAudience = new Jwt(app.app().jwtKey().bytes(), "vectis", Clock.systemUTC())
                    .issue(a.id(), "vps-marketplace", Duration.ofHours(1), Map.of()).token();
            String otherIssuer = new Jwt(app.app().jwtKey().bytes(), "someone-else", Clock.systemUTC())
                    .issue(a.id(), "provider-registry", Duration.ofHours(1), Map.of()).token();

            for (String bad : List.of(none, none + "x", hs512, otherSubject, longerLife, flippedSignature, foreignKey,
                    otherAudience, otherIssuer, parts[0] + "." + parts[1])) {
                assertSpecError(profile(app, bad), 401, "Unauthorized");
                assertSpecError(app.http.post(BASE + "/refresh", "", bearer(bad)), 401, "Unauthorized");
            }
            String rightKeyAndAudience = new Jwt(app.app().jwtKey().bytes(), "vectis", Clock.systemUTC())
                    .issue(a.id(), "provider-registry", Duration.ofHours(1), Map.of()).token();
            assertThat(profile(app, rightKeyAndAudience).status()).isEqualTo(200);
            assertThat(profile(app, token).status()).isEqualTo(200);
        }
    }

    @DbTest
    void tokensExpireAndRefreshingLeavesTheOldExpiryAlone(TestDatabase db) {
        MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
        try (TestApp app = ProviderFixture.start(db, Map.of(), clock)) {
            Account a = registered(app, "a@acme.com");
            String first = token(app, a);
            clock.advance(Duration.ofHours(1));
            Http.Response refreshed = app.http.post(BASE + "/refresh", "", bearer(first));
            assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
            assertThat(refreshed.header("Cache-Control")).isEqualTo("no-store");
            String second = refreshed.json().get("token").asText();
            assertThat(second).isNotEqualTo(first);
            assertThat(refreshed.json().get("expires_at").asText()).isEqualTo("2030-01-02T01:00:00Z");
            assertThat(refreshed.json().get("token_type").asText()).isEqualTo("Bearer");

            clock.advance(Duration.ofHours(23).minusSeconds(1));
            assertThat(profile(app, first).status()).isEqualTo(200);
            clock.advance(Duration.ofSeconds(1));
            assertSpecError(profile(app, first), 401, "Unauthorized");
            assertSpecError(app.http.post(BASE + "/refresh", "", bearer(first)), 401, "Unauthorized");
            assertThat(profile(app, second).status()).isEqualTo(200);
            clock.advance(Duration.ofHours(1));
            assertSpecError(profile(app, second), 401, "Unauthorized");
        }
    }

    @DbTest
    void rotatingTheKeyRetiresTheOldOneAtOnce(TestDatabase db) {
        try (TestApp app = ProviderFixture.start(db)) {
            Account a = registered(app, "a@acme.com");
            String token = token(app, a);
            Http.Response rotated = app.http.post(BASE + "/rotate-key", "", bearer(token));
            assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
            assertThat(rotated.header("Cache-Control")).isEqualTo("no-store");
            assertThat(rotated.json().get("provider_id").asText()).isEqualTo(a.id());
            String newKey = rotated.json().get("api_key").asText();
            assertThat(newKey).matches("pk_[A-Za-z0-9_-]{43}").isNotEqualTo(a.apiKey());

            assertSpecError(authenticate(app, a.id(), a.apiKey()), 401, "Unauthorized");
            Http.Response fresh = authenticate(app, a.id(), newKey);
            assertThat(fresh.status()).isEqualTo(200);
            assertSpecError(profile(app, token), 401, "Unauthorized");
            assertSpecError(app.http.post(BASE + "/refresh", "", bearer(token)), 401, "Unauthorized");
            assertThat(profile(app, fresh.json().get("token").asText()).status())
                    .as("tokens from the new key work").isEqualTo(200);
            assertThat(events(app, a.id())).containsExactly("provider.registered", "provider.key_rotated");
        }
    }

    @DbTest
    void suspensionAndRejectionLockProvidersOutImmediately(TestDatabase db) {
        try (TestApp app = ProviderFixture.start(db)) {
            Account a = registered(app, "a@acme.com");
            String token = token(app, a);
            assertThat(ProviderFixture.admin(app, "approve", a.id(), null).status()).isEqualTo(200);
            assertThat(profile(app, token).json().get("status").asText()).isEqualTo("approved");

            assertThat(ProviderFixture.admin(app, "suspend", a.id(), "{\"reason\":\"abuse report\"}").status())
                    .isEqualTo(200);
            assertSpecError(profile(app, token), 403, "Forbidden");
            assertSpecError(patch(app, token, Map.of("name", "Sneaky Rename")), 403, "Forbidden");
            assertSpecError(app.http.post(BASE + "/refresh", "", bearer(token)), 403, "Forbidden");
            assertSpecError(app.http.post(BASE + "/rotate-key", "", bearer(token)), 403, "Forbidden");
            Http.Response signIn = authenticate(app, a.id(), a.apiKey());
            assertSpecError(signIn, 403, "Forbidden");
            assertThat(signIn.json().get("message").asText()).contains("suspended");
            assertSpecError(authenticate(app, a.id(), "pk_" + "B".repeat(43)), 401, "Unauthorized");

            assertThat(ProviderFixture.admin(app, "approve", a.id(), null).status()).isEqualTo(200);
            assertSpecError(profile(app, token), 401, "Unauthorized");
            String again = authenticate(app, a.id(), a.apiKey()).json().get("token").asText();
            assertThat(profile(app, again).status()).as("a token issued after reinstatement").isEqualTo(200);
            assertThat(profile(app, again).json().has("status_reason")).isFalse();

            Account b = registered(app, "b@acme.com");
            String bToken = token(app, b);
            assertThat(ProviderFixture.admin(app, "reject", b.id(), "{\"reason\":\"incomplete\"}").status())
                    .isEqualTo(200);
            assertSpecError(profile(app, bToken), 403, "Forbidden");
            assertThat(authenticate(app, b.id(), b.apiKey()).json().get("message").asText()).contains("rejected");
        }
    }
}
