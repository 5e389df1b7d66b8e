package dev.vectis.api.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What the console asks beside the contracts: who the token is, the overview, job filters and re-runs, chat sessions. */
class ConsoleApiTest {

    private static final String JOB = "{\"command\": \"echo hi\", \"fileUrl\": \"/uploads/project-1.zip\", "
            + "\"filename\": \"project.zip\", \"maxAttempts\": 3, \"timeoutSeconds\": 60}";

    @DbTest
    void whoamiNamesTheRoleAndWhatItGrants(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            JsonNode admin = app.http.get("/api/v1/whoami", TestApp.admin()).json().get("data");
            assertThat(admin.get("role").asText()).isEqualTo("admin");
            assertThat(admin.get("id").asText()).isEqualTo("admin-config");
            assertThat(texts(admin.get("permissions"))).containsExactly("read", "operate", "submit", "manage");

            Operators.Issued operator = Operators.token(app, "night shift", "operator");
            JsonNode op = app.http.get("/api/v1/whoami", operator.bearer()).json().get("data");
            assertThat(op.get("name").asText()).isEqualTo("night shift");
            assertThat(op.get("id").asText()).isEqualTo(operator.id());
            assertThat(texts(op.get("permissions"))).containsExactly("read", "operate");

            Operators.Issued submitter = Operators.token(app, "ci", "submitter");
            assertThat(texts(app.http.get("/api/v1/whoami", submitter.bearer()).json().get("data")
                    .get("permissions"))).containsExactly("submit");

            Operators.Issued viewer = Operators.token(app, "wall", "viewer");
            assertThat(texts(app.http.get("/api/v1/whoami", viewer.bearer()).json().get("data")
                    .get("permissions"))).containsExactly("read");
            assertThat(app.http.get("/api/v1/fleet/workers", viewer.bearer()).status()).isEqualTo(200);
            assertThat(app.http.get("/api/jobs/create", viewer.bearer()).status()).isEqualTo(200);
            Operators.assertError(app.http.post("/api/v1/fleet/workers/nobody/drain", "{}", viewer.bearer()), 403,
                    "ROLE_REQUIRED");
            Operators.assertError(app.http.post("/api/v1/tokens", "{\"name\": \"x\", \"role\": \"viewer\"}",
                    viewer.bearer()), 403, "ADMIN_REQUIRED");

            Operators.assertError(app.http.get("/api/v1/whoami"), 401, null);
            Operators.assertError(app.http.get("/api/v1/whoami", Operators.bearer("not-a-token")), 401, null);
            Operators.assertError(app.http.get("/api/v1/whoami", TestApp.worker()), 403, null);
        }
    }

    @DbTest
    void theOverviewCountsWorkersJobsSessionsAndCoins(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            assertThat(app.http.post("/api/v1/workers/register", "{\"workerId\": \"chat-1\", \"endpoint\": "
                    + "\"http://127.0.0.1:1\", \"maxSessions\": 5}", TestApp.worker()).status()).isEqualTo(200);
            String job = app.http.post("/api/jobs/create", JOB, TestApp.admin()).json().get("jobId").asText();
            app.http.post("/api/jobs/create", JOB, TestApp.admin());
            assertThat(app.http.post("/api/jobs/cancel", "{\"jobId\": \"" + job + "\"}", TestApp.admin()).status())
                    .isEqualTo(200);
            Http.Response user = app.http.post("/admin/users", "{\"email\": \"o@example.com\", \"name\": \"O\", "
                    + "\"password\": \"a-long-password-1\", \"coins\": 40}", TestApp.admin());
            assertThat(user.status()).as(user.body()).isEqualTo(201);

            Http.Response r = app.http.get("/api/v1/overview", TestApp.admin());
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode o = r.json().get("data");
            assertThat(o.get("workers").get("total").asLong()).isEqualTo(1);
            assertThat(o.get("workers").get("byState").get("online").asLong()).isEqualTo(1);
            assertThat(o.get("workers").get("byContract").get("gateway").asLong()).isEqualTo(1);
            assertThat(o.get("queue").get("pending").asLong()).isEqualTo(1);
            assertThat(o.get("queue").get("oldestPendingAt").asText()).isNotBlank();
            JsonNode minutes = o.get("jobsPerMinute");
            assertThat(minutes.size()).isBetween(59, 61);
            long cancelled = 0;
            for (JsonNode m : minutes) {
                cancelled += m.get("cancelled").asLong();
            }
            assertThat(cancelled).isEqualTo(1);
            assertThat(o.get("coins").get("held").asLong()).isEqualTo(40);
            assertThat(o.get("coins").get("purchasesToday").asLong()).isZero();
            assertThat(o.get("coins").get("adjustedToday").asLong()).isEqualTo(40);
            assertThat(o.get("loops").size()).isGreaterThan(3);
            assertThat(o.get("vpsSessions").isObject()).isTrue();
            // The node samples the fleet once a minute from its start; the first sample is taken at once.
            JsonNode fleet = await().atMost(Duration.ofSeconds(10)).until(() -> app.http
                    .get("/api/v1/overview", TestApp.admin()).json().get("data").get("fleetPerMinute"),
                    f -> f.isArray() && f.size() > 0);
            assertThat(fleet.size()).isBetween(1, 60);
            assertThat(fleet.get(0).get("minute").asText()).endsWith(":00Z");
            assertThat(fleet.get(0).has("pending") && fleet.get(0).has("running") && fleet.get(0).has("online"))
                    .isTrue();

            Operators.Issued submitter = Operators.token(app, "ci", "submitter");
            Operators.assertError(app.http.get("/api/v1/overview", submitter.bearer()), 403, null);
        }
    }

    @DbTest
    void jobsAreFilteredByStatusAndWorkerNewestFirstAndRerun(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.add(app.http.post("/api/jobs/create", JOB, TestApp.admin()).json().get("jobId").asText());
            }
            app.http.post("/api/jobs/cancel", "{\"jobId\": \"" + ids.get(1) + "\"}", TestApp.admin());

            JsonNode pending = app.http.get("/api/jobs/create?status=pending&order=desc", TestApp.admin()).json();
            assertThat(pending.get("count").asLong()).isEqualTo(2);
            assertThat(jobIds(pending)).containsExactly(ids.get(2), ids.get(0));
            JsonNode finished = app.http.get("/api/jobs/create?status=completed,failed,cancelled",
                    TestApp.admin()).json();
            assertThat(jobIds(finished)).containsExactly(ids.get(1));
            JsonNode page = app.http.get("/api/jobs/create?order=desc&limit=2", TestApp.admin()).json();
            assertThat(jobIds(page)).containsExactly(ids.get(2), ids.get(1));
            JsonNode next = app.http.get("/api/jobs/create?order=desc&limit=2&cursor="
                    + page.get("nextCursor").asText(), TestApp.admin()).json();
            assertThat(jobIds(next)).containsExactly(ids.get(0));
            assertThat(app.http.get("/api/jobs/create?workerId=nobody", TestApp.admin()).json().get("count")
                    .asLong()).isZero();
            Http.Response bad = app.http.get("/api/jobs/create?status=sleeping", TestApp.admin());
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.body()).contains("status");
            assertThat(app.http.get("/api/jobs/create?order=up", TestApp.admin()).status()).isEqualTo(400);

            Http.Response rerun = app.http.post("/api/jobs/rerun", "{\"jobId\": \"" + ids.get(1) + "\"}",
                    TestApp.admin());
            assertThat(rerun.status()).as(rerun.body()).isEqualTo(200);
            String copy = rerun.json().get("jobId").asText();
            assertThat(copy).isNotIn(ids);
            assertThat(rerun.json().get("rerunOf").asText()).isEqualTo(ids.get(1));
            JsonNode status = app.http.get("/api/jobs/status?jobId=" + copy, TestApp.admin()).json();
            assertThat(status.get("status").asText()).isEqualTo("pending");
            assertThat(status.get("command").asText()).isEqualTo("echo hi");
            assertThat(status.get("filename").asText()).isEqualTo("project.zip");

            // A submitter re-runs only the jobs its own token created.
            Operators.Issued submitter = Operators.token(app, "ci", "submitter");
            assertThat(app.http.post("/api/jobs/rerun", "{\"jobId\": \"" + ids.get(0) + "\"}", submitter.bearer())
                    .status()).isEqualTo(404);
            Operators.Issued operator = Operators.token(app, "ops", "operator");
            assertThat(app.http.post("/api/jobs/rerun", "{\"jobId\": \"" + ids.get(0) + "\"}", operator.bearer())
                    .status()).isEqualTo(403);
            assertThat(app.http.post("/api/jobs/rerun", "{}", TestApp.admin()).status()).isEqualTo(400);
        }
    }

    @DbTest
    void chatSessionsAreListed(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            assertThat(app.http.post("/api/v1/workers/register", "{\"workerId\": \"chat-1\", \"endpoint\": "
                    + "\"http://127.0.0.1:1\", \"maxSessions\": 5}", TestApp.worker()).status()).isEqualTo(200);
            for (String s : List.of("s-1", "s-2")) {
                Http.Response r = app.http.post("/api/v1/webhooks/session-status", "{\"event\": \"qr_ready\", "
                        + "\"sessionId\": \"" + s + "\", \"workerId\": \"chat-1\", \"data\": {\"status\": "
                        + "\"qr_required\", \"qrCode\": \"data:image/png;base64,iVBORw0KGgo=\"}}", TestApp.worker());
                assertThat(r.status()).as(r.body()).isEqualTo(200);
            }
            JsonNode page = app.http.get("/api/v1/sessions?workerId=chat-1&limit=1", TestApp.admin()).json()
                    .get("data");
            assertThat(page.get("count").asLong()).isEqualTo(2);
            assertThat(page.get("sessions").get(0).get("sessionId").asText()).isEqualTo("s-1");
            assertThat(page.get("sessions").get(0).get("status").asText()).isEqualTo("qr_required");
            assertThat(page.get("sessions").get(0).has("qrCode")).isFalse();
            JsonNode rest = app.http.get("/api/v1/sessions?limit=1&cursor=" + page.get("nextCursor").asText(),
                    TestApp.admin()).json().get("data");
            assertThat(rest.get("sessions").get(0).get("sessionId").asText()).isEqualTo("s-2");
            assertThat(rest.get("nextCursor").isNull()).isTrue();
            assertThat(app.http.get("/api/v1/sessions?status=connected", TestApp.admin()).json().get("data")
                    .get("count").asLong()).isZero();
            assertThat(app.http.get("/api/v1/sessions/s-1", TestApp.admin()).json().get("data").get("qrCode")
                    .asText()).startsWith("data:image/png;base64,");
        }
    }

    @DbTest
    void theEventHistoryIsFilteredAndHandsOverToTheStream(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            for (String w : List.of("chat-1", "chat-2")) {
                assertThat(app.http.post("/api/v1/workers/register", "{\"workerId\": \"" + w + "\", \"endpoint\": "
                        + "\"http://127.0.0.1:" + (w.equals("chat-1") ? 1 : 2) + "\", \"maxSessions\": 5}",
                        TestApp.worker()).status()).isEqualTo(200);
            }
            assertThat(app.http.post("/api/v1/fleet/workers/chat-2/drain", "", TestApp.admin()).status())
                    .isEqualTo(200);
            // History shows what is final (db/Horizon): on PostgreSQL another open transaction holds it back a while.
            JsonNode[] seen = new JsonNode[1];
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                seen[0] = app.http.get("/api/v1/events", TestApp.admin()).json().get("data");
                return seen[0].get("events").size() >= 3;
            });
            JsonNode all = seen[0];
            List<String> types = new ArrayList<>();
            all.get("events").forEach(e -> types.add(e.get("type").asText()));
            // Newest first; draining an idle worker drains it at once, which may already be written.
            assertThat(types.subList(types.size() - 3, types.size()))
                    .containsExactly("worker.draining", "worker.registered", "worker.registered");
            long latest = all.get("latestId").asLong();
            assertThat(all.get("events").get(0).get("id").asLong()).isEqualTo(latest);

            JsonNode ofWorker = app.http.get("/api/v1/events?workerId=chat-1", TestApp.admin()).json().get("data");
            assertThat(ofWorker.get("events").size()).isEqualTo(1);
            assertThat(ofWorker.get("latestId").asLong()).isEqualTo(latest);
            JsonNode prefix = app.http.get("/api/v1/events?type=worker.", TestApp.admin()).json().get("data");
            assertThat(prefix.get("events").size()).isEqualTo(types.size());
            JsonNode exact = app.http.get("/api/v1/events?type=worker.registered", TestApp.admin()).json()
                    .get("data");
            assertThat(exact.get("events").size()).isEqualTo(2);
            assertThat(app.http.get("/api/v1/events?type=job.", TestApp.admin()).json().get("data").get("events")
                    .size()).isZero();
            JsonNode first = app.http.get("/api/v1/events?limit=2", TestApp.admin()).json().get("data");
            JsonNode rest = app.http.get("/api/v1/events?limit=2&cursor=" + first.get("nextCursor").asText(),
                    TestApp.admin()).json().get("data");
            assertThat(rest.get("events").get(0).get("id").asLong())
                    .isLessThan(first.get("events").get(1).get("id").asLong());
            assertThat(app.http.get("/api/v1/events?cursor=x", TestApp.admin()).status()).isEqualTo(400);
            Operators.Issued submitter = Operators.token(app, "ci", "submitter");
            Operators.assertError(app.http.get("/api/v1/events", submitter.bearer()), 403, null);
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> jobIds(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("jobs").forEach(j -> out.add(j.get("jobId").asText()));
        return out;
    }
}
