package dev.vectis.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Text PostgreSQL cannot store (NUL, unpaired surrogates), wherever a request can carry it: a
 * 400 naming the field, in the calling contract's shape, on H2 as on PostgreSQL.
 */
class UnstorableInputTest {

    @DbTest
    void everyContractRefusesItInBodiesAndQueries(TestDatabase db) {
        try (TestApp app = FuzzTest.start(db)) {
            Fixtures.create(app);
            RawClient client = new RawClient(app.app().port(), 10_000);
            // method, path, body (null: none), credential, the field, where the contract's shape puts the message
            String[][] cases = {
                {"POST", "/api/v1/workers", "{\"ip\":\"10.0.0.1\",\"secret\":\"" + "s".repeat(40) + "\\u0000\"}",
                    TestApp.WORKER_TOKEN, "secret", "message"},
                {"POST", "/api/v1/workers/register", "{\"workerId\":\"w\\ud800\",\"endpoint\":\"http://a.example\"}",
                    TestApp.WORKER_TOKEN, "workerId", "error"},
                {"POST", "/api/jobs/create", "{\"command\":\"echo \\u0000\",\"fileUrl\":\"https://a.example/b.zip\","
                    + "\"filename\":\"b.zip\"}", TestApp.ADMIN_TOKEN, "command", "error"},
                {"POST", "/api/v1/registration/register", "{\"name\":\"Acme\\u0000\"}", null, "name", "message"},
                {"POST", "/auth/login", "{\"email\":\"a\\u0000b@example.com\",\"password\":\"x\"}", null, "email",
                    "message"},
                {"GET", "/admin/users?cursor=%00", null, TestApp.ADMIN_TOKEN, "cursor", "message"},
                {"GET", "/api/jobs/create?cursor=a%00", null, TestApp.ADMIN_TOKEN, "cursor", "error"},
                {"GET", "/api/v1/workers?cursor=x%00", null, TestApp.ADMIN_TOKEN, "cursor", "error"},
                {"GET", "/admin/providers?status=%00", null, TestApp.ADMIN_TOKEN, "status", "message"},
                {"GET", "/api/v1/registration/profile?x=%00", null, null, "x", "message"},
                {"GET", "/health?probe=%00", null, null, "probe", "message"},
            };
            for (String[] c : cases) {
                List<String[]> headers = new ArrayList<>();
                if (c[3] != null) {
                    headers.add(new String[] {"Authorization", "Bearer " + c[3]});
                }
                if (c[2] != null) {
                    headers.add(new String[] {"Content-Type", "application/json"});
                }
                RawClient.Answer a = client.send(new FuzzRequest(c[0], c[1], headers,
                        c[2] == null ? null : c[2].getBytes(StandardCharsets.UTF_8), "unstorable"));
                assertThat(a.status()).as("%s %s: %s", c[0], c[1], a).isEqualTo(400);
                assertThat(json(a).get(c[5]).asText()).as("%s %s names %s", c[0], c[1], c[4]).contains(c[4]);
            }
        }
    }

    @DbTest
    void pathsAndPathParametersAreCheckedAfterDecoding(TestDatabase db) {
        try (TestApp app = FuzzTest.start(db)) {
            Fixtures f = Fixtures.create(app);
            RawClient client = new RawClient(app.app().port(), 10_000);
            String[][] cases = {
                // Refused by the HTTP layer before any route: a malformed request, the path named as a cause.
                {"/admin/users/a%00b", "path", TestApp.ADMIN_TOKEN},
                {"/api/v1/workers/fuzz-gw-1%00/metrics", "path", TestApp.ADMIN_TOKEN},
                {"/api/jobs/%00/events", "path", TestApp.ADMIN_TOKEN},
                // Decoded within a path parameter (after ';'): the route's parameter is named.
                {"/admin/users/x;jsessionid=1%00", "userId", TestApp.ADMIN_TOKEN},
                {"/admin/users/a;b=%00", "userId", TestApp.ADMIN_TOKEN},
                {"/vps/sessions/" + f.vpsSession + ";x=%00", "sessionId", f.userToken},
                {"/api/v1/workers/fuzz-gw-1;x=%00", "workerId", TestApp.ADMIN_TOKEN},
                {"/api/v1/sessions/a;%00", "sessionId", TestApp.ADMIN_TOKEN},
                {"/admin/vps-sessions/a;b%00/log", "sessionId", TestApp.ADMIN_TOKEN},
                {"/uploads/a;%00.zip", "name", TestApp.WORKER_TOKEN},
            };
            for (String[] c : cases) {
                RawClient.Answer a = client.send(new FuzzRequest("GET", c[0],
                        List.<String[]>of(new String[] {"Authorization", "Bearer " + c[2]}), null, "path"));
                assertThat(a.status()).as("GET %s: %s", c[0], a).isEqualTo(400);
                assertThat(a.body()).as("GET %s names the parameter", c[0]).contains(c[1]);
            }
        }
    }

    @DbTest
    void formFieldsAndFileNamesOfAnUploadAreChecked(TestDatabase db) {
        try (TestApp app = FuzzTest.start(db)) {
            Fixtures f = Fixtures.create(app);
            RawClient client = new RawClient(app.app().port(), 10_000);
            for (String field : List.of("commands", "mode")) {
                List<Multipart.Part> parts = new ArrayList<>(Multipart.execute(f.zip));
                parts.replaceAll(p -> p.name().equals(field) ? Multipart.Part.field(field, "echo a\u0000b") : p);
                RawClient.Answer a = upload(client, parts);
                assertThat(a.status()).as("%s with NUL: %s", field, a).isEqualTo(400);
                assertThat(json(a).get("error").asText()).as("the executor's shape names it").contains(field);
            }
            List<Multipart.Part> named = new ArrayList<>(Multipart.execute(f.zip));
            named.replaceAll(p -> p.filename() != null ? new Multipart.Part(p.name(), "a\u0000b.zip", p.content()) : p);
            RawClient.Answer file = upload(client, named);
            assertThat(file.status()).as("a file name with NUL: %s", file).isIn(200, 400);
            if (file.status() == 200) {
                String jobId = json(file).get("jobId").asText();
                String stored = app.app().database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT filename FROM jobs WHERE id = :id").bind("id", jobId).mapTo(String.class).one());
                assertThat(stored).as("kept for display only, without the NUL").doesNotContain("\u0000");
            }
        }
    }

    @DbTest
    void storedHeadersAreChecked(TestDatabase db) {
        try (TestApp app = FuzzTest.start(db)) {
            Fixtures f = Fixtures.create(app);
            RawClient client = new RawClient(app.app().port(), 10_000);
            RawClient.Answer key = client.send(new FuzzRequest("POST", "/vps/purchase-and-create", List.of(
                    new String[] {"Authorization", "Bearer " + f.userToken},
                    new String[] {"Content-Type", "application/json"},
                    new String[] {"Idempotency-Key", "k\u0000"}),
                    ("{\"product_id\":\"" + f.product + "\"}").getBytes(StandardCharsets.UTF_8), "key"));
            assertThat(key.status()).as("an Idempotency-Key with NUL: %s", key).isEqualTo(400);
        }
    }

    @DbTest
    void tokenClaimsThatCannotBeStoredAreNotTokens(TestDatabase db) {
        try (TestApp app = FuzzTest.start(db)) {
            Fixtures f = Fixtures.create(app);
            RawClient client = new RawClient(app.app().port(), 10_000);
            byte[] key = app.app().jwtKey().bytes();
            long now = System.currentTimeMillis() / 1000;
            for (String claims : List.of(
                    "{\"iss\":\"vectis\",\"aud\":\"vectis-users\",\"sub\":\"a\\u0000\",\"iat\":" + now + ",\"exp\":"
                            + (now + 60) + ",\"jti\":\"j1\"}",
                    "{\"iss\":\"vectis\",\"aud\":\"vectis-users\",\"sub\":\"" + f.userId + "\",\"iat\":" + now
                            + ",\"exp\":" + (now + 60) + ",\"jti\":\"a\\u0000\"}",
                    "{\"iss\":\"vectis\",\"aud\":\"vectis-users\",\"sub\":\"" + f.userId + "\",\"iat\":" + now
                            + ",\"exp\":" + (now + 60) + ",\"jti\":\"" + "j".repeat(5000) + "\"}")) {
                String token = ServerJwt.jwt(claims, key);
                RawClient.Answer me = client.send(new FuzzRequest("GET", "/me",
                        List.<String[]>of(new String[] {"Authorization", "Bearer " + token}), null, "jwt"));
                assertThat(me.status()).as("%s: %s", claims, me).isEqualTo(401);
                RawClient.Answer logout = client.send(new FuzzRequest("POST", "/auth/logout",
                        List.<String[]>of(new String[] {"Authorization", "Bearer " + token}), null, "jwt"));
                assertThat(logout.status()).as("logout with %s: %s", claims, logout).isEqualTo(401);
                RawClient.Answer provider = client.send(new FuzzRequest("GET", "/api/v1/registration/profile",
                        List.<String[]>of(new String[] {"Authorization", "Bearer " + ServerJwt.jwt(
                                claims.replace("vectis-users", "provider-registry"), key)}), null, "jwt"));
                assertThat(provider.status()).as("provider token with %s: %s", claims, provider).isEqualTo(401);
            }
        }
    }

    @DbTest
    void aCharsetNoOneKnowsIsTheClientsMistake(TestDatabase db) {
        try (TestApp app = FuzzTest.start(db)) {
            Fixtures f = Fixtures.create(app);
            RawClient client = new RawClient(app.app().port(), 10_000);
            RawClient.Answer a = client.send(new FuzzRequest("POST", "/api/execute", List.of(
                    new String[] {"Authorization", "Bearer " + TestApp.ADMIN_TOKEN},
                    new String[] {"Content-Type", "application/x-www-form-urlencoded; charset=nonsense"}),
                    "commands=ls&mode=distributed".getBytes(StandardCharsets.UTF_8), "charset"));
            assertThat(a.status()).as("%s", a).isEqualTo(400);
            assertThat(json(a).get("error").asText()).contains("Content-Type");
            assertThat(f.zip).isNotEmpty();
        }
    }

    private static RawClient.Answer upload(RawClient client, List<Multipart.Part> parts) {
        return client.send(new FuzzRequest("POST", "/api/execute", List.of(
                new String[] {"Authorization", "Bearer " + TestApp.ADMIN_TOKEN},
                new String[] {"Content-Type", "multipart/form-data; boundary=" + Multipart.BOUNDARY}),
                Multipart.encode(parts), "upload"));
    }

    private static JsonNode json(RawClient.Answer a) {
        try {
            return Fixtures.MAPPER.readTree(a.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + a, e);
        }
    }

    /** JWTs made here, signed with the server's key, with exactly the claims a test wants. */
    static final class ServerJwt {

        static String jwt(String claims, byte[] key) {
            java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
            String unsigned = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
                    + "." + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
            try {
                javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
                mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
                return unsigned + "." + b64.encodeToString(mac.doFinal(unsigned.getBytes(StandardCharsets.US_ASCII)));
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
