package dev.vectis.api.operator;

import static dev.vectis.api.operator.Operators.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** /api/v1/audit: who did what to what, when, under which request id, and how it ended. */
class AuditTest {

    private static final String JOB = "{\"command\": \"echo hi\", \"fileUrl\": \"/uploads/project-1.zip\", "
            + "\"filename\": \"project.zip\"}";

    @DbTest
    void eachActionIsWrittenWithItsActorTargetRequestIdAndOutcome(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Operators.Issued op = Operators.token(app, "night shift", "operator");
            Operators.Issued ci = Operators.token(app, "ci", "submitter");
            String userId = app.http.post("/admin/users", "{\"email\": \"a@example.com\", \"name\": \"A\"}",
                    TestApp.admin()).json().get("id").asText();
            Instant before = Instant.now().minusSeconds(1);

            String coins = "{\"op\": \"add\", \"amount\": 5}";
            app.http.method("PATCH", "/admin/users/" + userId + "/coins", coins, as(TestApp.admin(), "req-coins"));
            JsonNode e = Operators.entryFor(app, "req-coins");
            assertThat(e.get("actorId").asText()).isEqualTo("admin-config");
            assertThat(e.get("actorName").asText()).isEqualTo("admin-config");
            assertThat(e.get("actorRole").asText()).isEqualTo("admin");
            assertThat(e.get("action").asText()).isEqualTo("PATCH /admin/users/{userId}/coins");
            assertThat(e.get("target").asText()).isEqualTo("/admin/users/" + userId + "/coins");
            assertThat(e.get("status").asInt()).isEqualTo(200);
            assertThat(e.get("outcome").asText()).isEqualTo("success");
            assertThat(Instant.parse(e.get("at").asText())).isAfter(before);

            app.http.method("PATCH", "/admin/users/" + userId + "/coins", coins, as(op.bearer(), "req-denied"));
            e = Operators.entryFor(app, "req-denied");
            assertThat(e.get("actorId").asText()).isEqualTo(op.id());
            assertThat(e.get("actorName").asText()).isEqualTo("night shift");
            assertThat(e.get("actorRole").asText()).isEqualTo("operator");
            assertThat(e.get("status").asInt()).isEqualTo(403);
            assertThat(e.get("outcome").asText()).isEqualTo("denied");

            app.http.method("POST", "/admin/users", "{}", as(TestApp.admin(), "req-bad"));
            assertThat(Operators.entryFor(app, "req-bad").get("outcome").asText()).isEqualTo("rejected");

            String job = app.http.method("POST", "/api/jobs/create", JOB, as(ci.bearer(), "req-job")).json()
                    .get("jobId").asText();
            e = Operators.entryFor(app, "req-job");
            assertThat(e.get("target").asText()).isEqualTo("job:" + job);
            assertThat(e.get("actorId").asText()).isEqualTo(ci.id());
            // Written with the job itself (one statement on PostgreSQL), as the after-handler would have.
            assertThat(e.get("action").asText()).isEqualTo("POST /api/jobs/create");
            assertThat(e.get("status").asInt()).isEqualTo(200);
            assertThat(e.get("outcome").asText()).isEqualTo("success");
            assertThat(Operators.audit(app, "?target=" + enc("job:" + job))).hasSize(1);
            app.http.method("POST", "/api/jobs/cancel", "{\"jobId\": \"" + job + "\"}", as(op.bearer(), "req-cancel"));
            assertThat(Operators.entryFor(app, "req-cancel").get("target").asText()).isEqualTo("job:" + job);

            Http.Response made = app.http.method("POST", "/api/v1/tokens", "{\"name\": \"n\", \"role\": \"worker\"}",
                    as(TestApp.admin(), "req-token"));
            String tokenId = made.json().get("data").get("id").asText();
            e = Operators.entryFor(app, "req-token");
            assertThat(e.get("action").asText()).isEqualTo("POST /api/v1/tokens");
            assertThat(e.get("target").asText()).isEqualTo("token:" + tokenId);
            assertThat(e.get("status").asInt()).isEqualTo(201);
            app.http.method("DELETE", "/api/v1/tokens/" + tokenId, null, as(TestApp.admin(), "req-revoke"));
            e = Operators.entryFor(app, "req-revoke");
            assertThat(e.get("action").asText()).isEqualTo("DELETE /api/v1/tokens/{tokenId}");
            assertThat(e.get("target").asText()).isEqualTo("token:" + tokenId);

            // Reads, and calls by nobody known, are not actions of an operator.
            app.http.method("GET", "/admin/users", null, as(op.bearer(), "req-read"));
            app.http.method("POST", "/admin/users", "{}", as(Operators.bearer("vectis_tok_nobody"), "req-anon"));
            assertThat(count(app, "req-read") + count(app, "req-anon")).isZero();
        }
    }

    @DbTest
    void theLogIsFilteredPagedAndReadableByOperatorsOnly(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Operators.Issued op = Operators.token(app, "night shift", "operator");
            Operators.Issued ci = Operators.token(app, "ci", "submitter");
            List<String> jobs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                jobs.add(app.http.post("/api/jobs/create", JOB, ci.bearer()).json().get("jobId").asText());
            }
            app.http.post("/api/jobs/cancel", "{\"jobId\": \"" + jobs.get(0) + "\"}", op.bearer());

            assertThat(Operators.audit(app, "?actor=" + ci.id())).hasSize(5);
            assertThat(Operators.audit(app, "?actor=ci")).as("by name").hasSize(5);
            assertThat(Operators.audit(app, "?action=" + enc("POST /api/jobs/cancel"))).hasSize(1);
            assertThat(Operators.audit(app, "?action=" + enc("POST /api/jobs/"))).as("a prefix").hasSize(6);
            assertThat(Operators.audit(app, "?action=" + enc("POST /api/v1/tokens"))).hasSize(2);
            assertThat(Operators.audit(app, "?target=" + enc("job:" + jobs.get(0)))).hasSize(2);
            assertThat(Operators.audit(app, "?target=" + enc("job%"))).as("taken literally").isEmpty();
            assertThat(Operators.audit(app, "?actor=nobody")).isEmpty();

            List<String> paged = new ArrayList<>();
            String cursor = null;
            do {
                Http.Response r = app.http.get("/api/v1/audit?limit=3&actor=" + ci.id()
                        + (cursor == null ? "" : "&cursor=" + cursor), op.bearer());
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                r.json().get("data").get("entries").forEach(e -> paged.add(e.get("target").asText()));
                cursor = r.json().get("data").get("nextCursor").isNull() ? null
                        : r.json().get("data").get("nextCursor").asText();
            } while (cursor != null);
            List<String> newestFirst = new ArrayList<>(jobs.stream().map(j -> "job:" + j).toList());
            java.util.Collections.reverse(newestFirst);
            assertThat(paged).as("newest first").containsExactlyElementsOf(newestFirst);

            assertError(app.http.get("/api/v1/audit", ci.bearer()), 403, "ROLE_REQUIRED");
            assertError(app.http.get("/api/v1/audit", TestApp.worker()), 403, "ROLE_REQUIRED");
            assertError(app.http.get("/api/v1/audit"), 401, "UNAUTHORIZED");
            assertError(app.http.get("/api/v1/audit?cursor=x", TestApp.admin()), 400, null);
            assertError(app.http.get("/api/v1/audit?limit=1001", TestApp.admin()), 400, null);
            assertError(app.http.get("/api/v1/audit?actor=" + "a".repeat(301), TestApp.admin()), 400, null);
        }
    }

    private static String[] as(String[] bearer, String requestId) {
        return new String[] {bearer[0], bearer[1], "Content-Type", "application/json", "X-Request-Id", requestId};
    }

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static long count(TestApp app, String requestId) {
        return app.app().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM audit_log WHERE request_id = :r").bind("r", requestId).mapTo(Long.class).one());
    }
}
