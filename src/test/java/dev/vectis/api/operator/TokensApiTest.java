package dev.vectis.api.operator;

import static dev.vectis.api.operator.Operators.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.auth.Tokens;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/** /api/v1/tokens: named tokens with roles, shown once, hashed at rest, revocable; for the admin only. */
class TokensApiTest {

    @DbTest
    void aTokenIsShownOnceAndKeptOnlyAsItsHash(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Http.Response created = Operators.create(app, "{\"name\": \"ci\", \"role\": \"submitter\", "
                    + "\"expiresAt\": \"2999-01-01T00:00:00Z\"}", TestApp.admin());
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            JsonNode data = created.json().get("data");
            String id = data.get("id").asText();
            String secret = data.get("token").asText();
            assertThat(secret).startsWith("vectis_tok_").hasSizeGreaterThan(40);
            assertThat(data.get("name").asText()).isEqualTo("ci");
            assertThat(data.get("role").asText()).isEqualTo("submitter");
            assertThat(data.get("state").asText()).isEqualTo("active");
            assertThat(data.get("createdBy").asText()).isEqualTo("admin-config");
            assertThat(data.get("expiresAt").asText()).isEqualTo("2999-01-01T00:00:00Z");
            assertThat(data.get("lastUsedAt").isNull()).isTrue();

            Map<String, Object> row = app.app().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT * FROM api_tokens WHERE id = :id").bind("id", id).mapToMap().one());
            assertThat(row.get("token_sha256")).isEqualTo(Tokens.sha256Hex(secret));
            assertThat(row.values()).noneMatch(v -> v != null && v.toString().contains(secret.substring(11)));

            Http.Response list = app.http.get("/api/v1/tokens", TestApp.admin());
            Http.Response one = app.http.get("/api/v1/tokens/" + id, TestApp.admin());
            for (Http.Response r : new Http.Response[] {list, one}) {
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                assertThat(r.body()).doesNotContain(secret.substring(11)).doesNotContain("\"token\"");
            }
            assertThat(list.json().get("data").get("count").asInt()).isEqualTo(1);
            assertThat(one.json().get("data").get("id").asText()).isEqualTo(id);
            assertThat(app.http.get("/api/v1/workers", Operators.bearer(secret)).status())
                    .as("a submitter reads no fleet").isEqualTo(403);
        }
    }

    @DbTest
    void onlyTheAdminRoleManagesTokens(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Operators.Issued namedAdmin = Operators.token(app, "second admin", "admin");
            Operators.Issued victim = Operators.token(app, "victim", "operator");
            for (String role : new String[] {"operator", "submitter", "worker"}) {
                Operators.Issued t = Operators.token(app, role, role);
                assertError(Operators.create(app, "{\"name\": \"x\", \"role\": \"admin\"}", t.bearer()), 403,
                        "ADMIN_REQUIRED");
                assertError(app.http.get("/api/v1/tokens", t.bearer()), 403, "ADMIN_REQUIRED");
                assertError(app.http.get("/api/v1/tokens/" + victim.id(), t.bearer()), 403, "ADMIN_REQUIRED");
                assertError(Operators.revoke(app, victim.id(), t.bearer()), 403, "ADMIN_REQUIRED");
            }
            assertError(app.http.get("/api/v1/tokens"), 401, null);
            assertError(app.http.get("/api/v1/tokens", Operators.bearer("vectis_tok_nobody")), 401, null);
            assertError(app.http.get("/api/v1/tokens", TestApp.worker()), 403, "ADMIN_REQUIRED");

            Http.Response byNamedAdmin = Operators.create(app, "{\"name\": \"made by a named admin\", "
                    + "\"role\": \"operator\"}", namedAdmin.bearer());
            assertThat(byNamedAdmin.status()).as(byNamedAdmin.body()).isEqualTo(201);
            assertThat(byNamedAdmin.json().get("data").get("createdBy").asText()).isEqualTo(namedAdmin.id());
            assertThat(Operators.revoke(app, victim.id(), namedAdmin.bearer()).status()).isEqualTo(200);
        }
    }

    @DbTest
    void aRevokedTokenIsRefusedAtOnce(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Operators.Issued op = Operators.token(app, "night shift", "operator");
            assertThat(app.http.get("/api/v1/workers", op.bearer()).status()).isEqualTo(200);

            Http.Response revoked = Operators.revoke(app, op.id(), TestApp.admin());
            assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
            assertThat(revoked.json().get("data").get("state").asText()).isEqualTo("revoked");
            String revokedAt = revoked.json().get("data").get("revokedAt").asText();

            // Refused as unknown on every contract, in each one's shape.
            assertThat(app.http.get("/api/v1/workers", op.bearer()).status()).isEqualTo(401);
            assertThat(app.http.get("/api/jobs/create", op.bearer()).json().get("statusCode").asInt()).isEqualTo(401);
            assertThat(app.http.get("/admin/users", op.bearer()).json().get("error").asText())
                    .isEqualTo("unauthorized");
            assertThat(app.http.get("/admin/providers", op.bearer()).status()).isEqualTo(401);

            Http.Response again = Operators.revoke(app, op.id(), TestApp.admin());
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.json().get("data").get("revokedAt").asText()).as("revoking twice changes nothing")
                    .isEqualTo(revokedAt);
            assertError(Operators.revoke(app, "tok_nosuchtoken0000", TestApp.admin()), 404, "TOKEN_NOT_FOUND");
            assertError(app.http.get("/api/v1/tokens/tok_nosuchtoken0000", TestApp.admin()), 404, "TOKEN_NOT_FOUND");
        }
    }

    @DbTest
    void anExpiredTokenIsRefusedAndLastUseIsWrittenAtMostOnceAMinute(TestDatabase db) {
        MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        try (TestApp app = TestApp.start(db, Map.of(), clock)) {
            String expires = clock.instant().plus(Duration.ofHours(1)).toString();
            Http.Response created = Operators.create(app, "{\"name\": \"short\", \"role\": \"operator\", "
                    + "\"expiresAt\": \"" + expires + "\"}", TestApp.admin());
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String id = created.json().get("data").get("id").asText();
            String[] bearer = Operators.bearer(created.json().get("data").get("token").asText());

            assertThat(app.http.get("/api/v1/workers", bearer).status()).isEqualTo(200);
            Instant firstUse = clock.instant();
            assertThat(lastUsed(app, id)).isEqualTo(firstUse);

            clock.advance(Duration.ofSeconds(30));
            assertThat(app.http.get("/api/v1/workers", bearer).status()).isEqualTo(200);
            assertThat(lastUsed(app, id)).as("not written again within a minute").isEqualTo(firstUse);

            clock.advance(Duration.ofSeconds(31));
            assertThat(app.http.get("/api/v1/workers", bearer).status()).isEqualTo(200);
            assertThat(lastUsed(app, id)).isEqualTo(clock.instant());

            clock.advance(Duration.ofHours(1));
            assertThat(app.http.get("/api/v1/workers", bearer).status()).isEqualTo(401);
            assertThat(app.http.get("/api/v1/tokens/" + id, TestApp.admin()).json().get("data").get("state").asText())
                    .isEqualTo("expired");
        }
    }

    @DbTest
    void eachNamedTokenIsCountedByTheRateLimiterOnItsOwn(TestDatabase db) {
        try (TestApp app = TestApp.start(db, Map.of("VECTIS_RATE_LIMIT_ENABLED", "true",
                "VECTIS_RATE_LIMIT_ADMIN_REQUESTS_PER_MINUTE", "60", "VECTIS_RATE_LIMIT_ADMIN_BURST", "3"))) {
            Operators.Issued first = Operators.token(app, "first", "operator");
            Operators.Issued second = Operators.token(app, "second", "submitter");
            int refused = 0;
            for (int i = 0; i < 6; i++) {
                Http.Response r = app.http.get("/api/v1/workers", first.bearer());
                assertThat(r.header("RateLimit-Policy")).startsWith("\"admin\"");
                refused += r.status() == 429 ? 1 : 0;
            }
            assertThat(refused).as("the first token ran out of its burst").isPositive();
            Http.Response other = app.http.get("/api/jobs/create", second.bearer());
            assertThat(other.status()).as("the second has a bucket of its own").isEqualTo(200);
        }
    }

    @DbTest
    void badRequestsNameTheField(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            String[][] cases = {
                {"{\"role\": \"operator\"}", "name"},
                {"{\"name\": \"  \", \"role\": \"operator\"}", "name"},
                {"{\"name\": \"" + "n".repeat(101) + "\", \"role\": \"operator\"}", "name"},
                {"{\"name\": \"x\"}", "role"},
                {"{\"name\": \"x\", \"role\": \"root\"}", "role"},
                {"{\"name\": \"x\", \"role\": \"none\"}", "role"},
                {"{\"name\": \"x\", \"role\": \"operator\", \"expiresAt\": \"tomorrow\"}", "expiresAt"},
                {"{\"name\": \"x\", \"role\": \"operator\", \"expiresAt\": \"2001-01-01T00:00:00Z\"}", "expiresAt"},
                {"{\"name\": [1], \"role\": \"operator\"}", "name"},
                {"[]", "body"},
            };
            for (String[] c : cases) {
                Http.Response r = Operators.create(app, c[0], TestApp.admin());
                assertError(r, 400, null);
                assertThat(r.json().get("error").asText()).as(c[0]).contains(c[1]);
            }
            assertError(app.http.get("/api/v1/tokens?limit=0", TestApp.admin()), 400, null);
            assertError(app.http.get("/api/v1/tokens?cursor=tok_unknown", TestApp.admin()), 400, null);
            assertThat(app.http.get("/api/v1/tokens", TestApp.admin()).json().get("data").get("count").asInt())
                    .isZero();
        }
    }

    @DbTest
    void theListPagesInTheOrderTokensWereMade(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            for (int i = 0; i < 5; i++) {
                Operators.token(app, "t" + i, "worker");
            }
            StringBuilder names = new StringBuilder();
            String cursor = null;
            do {
                Http.Response r = app.http.get("/api/v1/tokens?limit=2" + (cursor == null ? "" : "&cursor=" + cursor),
                        TestApp.admin());
                JsonNode data = r.json().get("data");
                data.get("tokens").forEach(t -> names.append(t.get("name").asText()).append(' '));
                assertThat(data.get("count").asInt()).isEqualTo(5);
                cursor = data.get("nextCursor").isNull() ? null : data.get("nextCursor").asText();
            } while (cursor != null);
            assertThat(names.toString().trim()).isEqualTo("t0 t1 t2 t3 t4");
        }
    }

    private static Instant lastUsed(TestApp app, String id) {
        Long at = app.app().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT last_used_at FROM api_tokens WHERE id = :id").bind("id", id).mapTo(Long.class).one());
        return at == null ? null : Instant.ofEpochMilli(at);
    }
}
