package dev.vectis.api.provider;

import static dev.vectis.api.provider.ProviderFixture.BASE;
import static dev.vectis.api.provider.ProviderFixture.body;
import static dev.vectis.api.provider.ProviderFixture.register;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vectis.providers.TestKeys;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

class ProviderRegistrationTest {

    /** The spec's error shape, naming the given fields with the given codes, in order. */
    static void assertSpecError(Http.Response r, int status, String reason, String... fieldCodes) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        JsonNode body = r.json();
        assertThat(body.get("error").asText()).isEqualTo(reason);
        assertThat(body.get("message").asText()).isNotBlank();
        assertThat(body.get("code").asInt()).isEqualTo(status);
        assertThat(Instant.parse(body.get("timestamp").asText())).isNotNull();
        assertThat(body.get("request_id").asText()).isEqualTo(r.header("X-Request-Id"));
        if (fieldCodes.length > 0) {
            List<String> found = new ArrayList<>();
            for (JsonNode v : body.get("validation_errors")) {
                assertThat(v.get("message").asText()).isNotBlank();
                found.add(v.get("field").asText() + ":" + v.get("code").asText());
            }
            assertThat(found).containsExactly(fieldCodes);
        }
    }

    static int providers(TestApp app) {
        return app.app().database().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM providers")
                .mapTo(Integer.class).one());
    }

    @DbTest
    void registrationAnswers201AndShowsTheKeyOnlyOnce(TestDatabase db) {
        try (TestApp app = ProviderFixture.start(db)) {
            Http.Response r = register(app, body("admin@acme.com"));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            assertThat(r.header("Cache-Control")).isEqualTo("no-store");
            JsonNode b = r.json();
            assertThat(b.fieldNames()).toIterable()
                    .containsExactly("provider_id", "api_key", "status", "name", "email", "created_at");
            String id = b.get("provider_id").asText();
            assertThat(UUID.fromString(id).toString()).isEqualTo(id);
            String key = b.get("api_key").asText();
            assertThat(key).matches("pk_[A-Za-z0-9_-]{43}");
            assertThat(b.get("status").asText()).isEqualTo("pending");
            assertThat(b.get("name").asText()).isEqualTo("ACME Compute Provider");
            assertThat(b.get("email").asText()).isEqualTo("admin@acme.com");
            assertThat(Instant.parse(b.get("created_at").asText())).isBeforeOrEqualTo(Instant.now());

            Map<String, Object> row = app.app().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT * FROM providers WHERE id = :id").bind("id", id).mapToMap().one());
            assertThat(row.get("key_hash").toString()).startsWith("$2").doesNotContain(key.substring(3));
            assertThat(row.get("key_lookup")).isEqualTo(key.substring(3, 15));
            assertThat(row.values()).allSatisfy(v -> assertThat(String.valueOf(v)).doesNotContain(key.substring(3)));

            String token = ProviderFixture.token(app, new ProviderFixture.Account(id, key));
            Http.Response profile = app.http.get(BASE + "/profile", ProviderFixture.bearer(token));
            assertThat(profile.body()).doesNotContain(key.substring(3, 15)).doesNotContain("key_");
            assertThat(app.console()).doesNotContain(key);
        }
    }

    @DbTest
    void pkcs1And4096BitKeysRegister(TestDatabase db) {
        try (TestApp app = ProviderFixture.start(db)) {
            ObjectNode pkcs1 = body("pkcs1@acme.com").put("public_key", TestKeys.pkcs1(TestKeys.rsa(2048)));
            assertThat(register(app, pkcs1).status()).isEqualTo(201);
            ObjectNode big = body("big@acme.com").put("public_key", TestKeys.pkix(TestKeys.rsa(4096)));
            assertThat(register(app, big).status()).isEqualTo(201);
            ObjectNode bigPkcs1 = body("bigpkcs1@acme.com").put("public_key", TestKeys.pkcs1(TestKeys.rsa(4096)));
            assertThat(register(app, bigPkcs1).status()).isEqualTo(201);
        }
    }

    @DbTest
    void badKeysAreRefusedNamingTheField(TestDatabase db) {
        try (TestApp app = ProviderFixture.start(db)) {
            assertSpecError(register(app, body("a@acme.com").put("public_key", TestKeys.pkix(TestKeys.rsa(1024)))),
                    400, "Bad Request", "public_key:KEY_TOO_SMALL");
            assertSpecError(register(app, body("a@acme.com").put("public_key", TestKeys.pkcs1(TestKeys.rsa(1024)))),
                    400, "Bad Request", "public_key:KEY_TOO_SMALL");
            assertSpecError(register(app, body("a@acme.com").put("public_key", TestKeys.ecPkix())),
                    400, "Bad Request", "public_key:KEY_NOT_RSA");
            assertSpecError(register(app, body("a@acme.com").put("public_key", "-----BEGIN PUBLIC KEY-----")),
                    400, "Bad Request", "public_key:KEY_FORMAT");
            assertThat(providers(app)).isZero();
        }
    }

    @DbTest
    void everyFailingFieldIsNamedInOneAnswer(TestDatabase db) {
        try (TestApp app = ProviderFixture.start(db)) {
            ObjectNode bad = body("not-an-email").put("name", "x").put("terms", false)
                    .put("public_key", TestKeys.ecPkix());
            bad.putArray("endpoints").addObject().put("url", "http://api.acme.com:70000").put("protocol", "smtp");
            Http.Response r = app.http.post(BASE + "/register", ProviderFixture.json(bad),
                    "X-Request-Id", "trace-123");
            assertSpecError(r, 400, "Bad Request", "name:NAME_LENGTH", "email:INVALID_EMAIL", "public_key:KEY_NOT_RSA",
                    "endpoints[0].url:INVALID_PORT", "endpoints[0].protocol:UNSUPPORTED_PROTOCOL",
                    "terms:TERMS_REQUIRED");
            assertThat(r.json().get("request_id").asText()).isEqualTo("trace-123");
            assertThat(r.json().get("message").asText()).isEqualTo("Validation failed for 6 fields");

            ObjectNode empty = ProviderFixture.MAPPER.createObjectNode();
            assertSpecError(register(app, empty), 400, "Bad Request", "name:NAME_REQUIRED", "email:EMAIL_REQUIRED",
                    "public_key:KEY_REQUIRED", "endpoints:ENDPOINTS_REQUIRED", "terms:TERMS_REQUIRED");
            assertThat(providers(app)).isZero();
        }
    }

    @DbTest
    void malformedBodiesGetTheSpecShapeToo(TestDatabase db) {
        try (TestApp app = ProviderFixture.start(db)) {
            assertSpecError(app.http.post(BASE + "/register", "{\"name\":"), 400, "Bad Request", "body:INVALID_REQUEST");
            assertSpecError(app.http.post(BASE + "/register", "[1,2]"), 400, "Bad Request", "body:INVALID_REQUEST");
            assertSpecError(app.http.post(BASE + "/register", ""), 400, "Bad Request", "body:INVALID_REQUEST");
            assertSpecError(register(app, body("a@acme.com").put("name", 42).put("terms", "yes")), 400, "Bad Request",
                    "name:INVALID_TYPE", "terms:TERMS_REQUIRED");
            assertSpecError(app.http.get(BASE + "/nothing-here"), 404, "Not Found");
            assertThat(providers(app)).isZero();
        }
    }

    @DbTest
    void anEmailIsTakenWhateverItsCase(TestDatabase db) {
        try (TestApp app = ProviderFixture.start(db)) {
            assertThat(register(app, body("Admin@Acme.com")).status()).isEqualTo(201);
            Http.Response again = register(app, body("admin@ACME.COM"));
            assertSpecError(again, 409, "Conflict", "email:EMAIL_TAKEN");
            assertThat(again.body()).doesNotContain("api_key");
            assertThat(register(app, body("other@acme.com")).status()).isEqualTo(201);
            assertThat(providers(app)).isEqualTo(2);
        }
    }

    @DbTest
    void racingRegistrationsOfOneEmailCreateOneProvider(TestDatabase db) throws Exception {
        try (TestApp app = ProviderFixture.start(db)) {
            int n = 8;
            CyclicBarrier together = new CyclicBarrier(n);
            ExecutorService pool = Executors.newFixedThreadPool(n);
            try {
                List<Future<Http.Response>> results = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    String email = i % 2 == 0 ? "race@acme.com" : "RACE@acme.com";
                    results.add(pool.submit(() -> {
                        together.await();
                        return register(app, body(email));
                    }));
                }
                int created = 0;
                for (Future<Http.Response> f : results) {
                    Http.Response r = f.get();
                    assertThat(r.status()).as(r.body()).isIn(201, 409);
                    created += r.status() == 201 ? 1 : 0;
                }
                assertThat(created).isEqualTo(1);
                assertThat(providers(app)).isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @DbTest
    void healthIsServedAtBothPaths(TestDatabase db) {
        try (TestApp app = ProviderFixture.start(db)) {
            for (String path : List.of("/health", BASE + "/health")) {
                Http.Response r = app.http.get(path);
                assertThat(r.status()).as(path).isEqualTo(200);
                assertThat(r.json().get("status").asText()).isEqualTo("healthy");
                assertThat(r.json().get("service").asText()).isEqualTo(path.equals("/health") ? "vectis"
                        : "provider-registry");
                assertThat(Instant.parse(r.json().get("timestamp").asText())).isNotNull();
                assertThat(r.json().get("version").asText()).isNotBlank();
            }
        }
    }
}
