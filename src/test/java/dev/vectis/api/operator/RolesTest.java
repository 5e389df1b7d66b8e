package dev.vectis.api.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;

/**
 * Each role is allowed and refused on representative endpoints of every contract: an unknown
 * token is 401, a known one without the role 403, each in its contract's shape.
 */
class RolesTest {

    private static final String JOB = "{\"command\": \"echo hi\", \"fileUrl\": \"/uploads/project-1.zip\", "
            + "\"filename\": \"project.zip\"}";

    /** The tokens of one test: one of each role, issued by the configured admin token. */
    private record Cast(String[] admin, String[] operator, String[] submitter, String[] worker, String[] unknown) {
        static Cast of(TestApp app) {
            return new Cast(Operators.token(app, "admin", "admin").bearer(),
                    Operators.token(app, "operator", "operator").bearer(),
                    Operators.token(app, "submitter", "submitter").bearer(),
                    Operators.token(app, "worker", "worker").bearer(),
                    Operators.bearer("vectis_tok_not-issued-by-anyone"));
        }
    }

    @DbTest
    void commandExecutor(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Cast c = Cast.of(app);
            for (String[] allowed : List.of(TestApp.admin(), c.admin(), c.submitter())) {
                assertThat(app.http.post("/api/jobs/create", JOB, allowed).status()).isEqualTo(200);
            }
            for (String[] refused : List.of(c.operator(), c.worker(), TestApp.worker())) {
                executorError(app.http.post("/api/jobs/create", JOB, refused), 403);
            }
            executorError(app.http.post("/api/jobs/create", JOB, c.unknown()), 401);

            String job = app.http.post("/api/jobs/create", JOB, c.admin()).json().get("jobId").asText();
            for (String path : List.of("/api/jobs/create", "/api/jobs/status?jobId=" + job, "/api/workers/register")) {
                assertThat(app.http.get(path, c.operator()).status()).as(path).isEqualTo(200);
                executorError(app.http.get(path, c.worker()), 403);
                executorError(app.http.get(path, c.unknown()), 401);
            }
            executorError(app.http.get("/api/workers/register", c.submitter()), 403);

            executorError(app.http.post("/api/jobs/cancel", "{\"jobId\": \"" + job + "\"}", c.submitter()), 403);
            assertThat(app.http.post("/api/jobs/cancel", "{\"jobId\": \"" + job + "\"}", c.operator()).status())
                    .isEqualTo(200);

            String register = "{\"workerId\": \"role-worker\", \"hostname\": \"h1\"}";
            assertThat(app.http.post("/api/workers/register", register, c.worker()).status()).isEqualTo(200);
            for (String[] refused : List.of(c.operator(), c.submitter())) {
                executorError(app.http.post("/api/workers/register", register, refused), 403);
            }
        }
    }

    @DbTest
    void aSubmitterReadsOnlyTheJobsItsTokenCreated(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Cast c = Cast.of(app);
            String[] other = Operators.token(app, "another submitter", "submitter").bearer();
            String mine = app.http.post("/api/jobs/create", JOB, c.submitter()).json().get("jobId").asText();
            String theirs = app.http.post("/api/jobs/create", JOB, other).json().get("jobId").asText();
            String admins = app.http.post("/api/jobs/create", JOB, TestApp.admin()).json().get("jobId").asText();

            assertThat(app.http.get("/api/jobs/status?jobId=" + mine, c.submitter()).status()).isEqualTo(200);
            for (String notMine : List.of(theirs, admins)) {
                executorError(app.http.get("/api/jobs/status?jobId=" + notMine, c.submitter()), 404);
                executorError(app.http.get("/api/jobs/" + notMine + "/events", c.submitter()), 404);
            }
            assertThat(jobIds(app, c.submitter())).containsExactly(mine);
            assertThat(jobIds(app, other)).containsExactly(theirs);
            assertThat(jobIds(app, c.operator())).containsExactlyInAnyOrder(mine, theirs, admins);
            assertThat(app.http.get("/api/jobs/status?jobId=" + theirs, c.operator()).status()).isEqualTo(200);

            String owner = app.app().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT created_by_token FROM jobs WHERE id = :id").bind("id", admins).mapTo(String.class).one());
            assertThat(owner).isEqualTo("admin-config");
        }
    }

    @DbTest
    void sessionGatewayOperatorViews(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Cast c = Cast.of(app);
            assertThat(app.http.get("/api/v1/workers", c.operator()).status()).isEqualTo(200);
            assertThat(app.http.get("/api/v1/workers", c.admin()).status()).isEqualTo(200);
            gatewayError(app.http.get("/api/v1/workers", c.submitter()), 403, "ROLE_REQUIRED");
            gatewayError(app.http.get("/api/v1/workers", c.worker()), 403, "ROLE_REQUIRED");
            gatewayError(app.http.get("/api/v1/workers", c.unknown()), 401, "UNAUTHORIZED");
            String command = "{\"type\": \"restart\"}";
            assertThat(app.http.post("/admin/workers/w-1/commands", command, c.operator()).status()).isEqualTo(403);
            assertThat(app.http.post("/admin/workers/w-1/commands", command, c.admin()).status())
                    .as("allowed, and there is no such worker").isEqualTo(404);
        }
    }

    @DbTest
    void vpsMarketplaceAdmin(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Cast c = Cast.of(app);
            String userId = app.http.post("/admin/users", "{\"email\": \"r@example.com\", \"name\": \"R\"}",
                    c.admin()).json().get("id").asText();
            assertThat(app.http.get("/admin/users", c.operator()).status()).isEqualTo(200);
            assertThat(app.http.get("/admin/users/" + userId + "/ledger", c.operator()).status()).isEqualTo(200);
            houseError(app.http.get("/admin/users", c.submitter()), 403, "role_required");
            houseError(app.http.get("/admin/users", c.unknown()), 401, "unauthorized");

            String coins = "{\"op\": \"add\", \"amount\": 5}";
            houseError(app.http.method("PATCH", "/admin/users/" + userId + "/coins", coins, c.operator()), 403,
                    "admin_required");
            assertThat(app.http.method("PATCH", "/admin/users/" + userId + "/coins", coins, c.admin()).status())
                    .isEqualTo(200);
            JsonNode entry = app.http.get("/admin/users/" + userId + "/ledger", c.operator()).json()
                    .get("entries").get(0);
            assertThat(entry.get("actor").asText()).as("the ledger names the token").startsWith("token:tok_");

            String worker = app.http.post("/admin/workers/register", "{\"name\": \"h\", \"base_url\": "
                    + "\"http://127.0.0.1:9\", \"max_sessions\": 1}", c.admin()).json().get("id").asText();
            houseError(app.http.method("PATCH", "/admin/workers/" + worker, "{\"max_sessions\": 2}", c.operator()),
                    403, "admin_required");
            assertThat(app.http.post("/admin/workers/" + worker + "/disable", "", c.operator()).status())
                    .isEqualTo(200);
            houseError(app.http.post("/admin/workers/" + worker + "/disable", "", c.submitter()), 403,
                    "role_required");
            assertThat(app.http.get("/admin/nodes", c.operator()).status()).isEqualTo(200);
        }
    }

    @DbTest
    void providerApprovals(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Cast c = Cast.of(app);
            assertThat(app.http.get("/admin/providers", c.operator()).status()).isEqualTo(200);
            for (String[] refused : List.of(c.submitter(), c.worker())) {
                // /admin/** is the marketplace's path space, so the house shape.
                houseError(app.http.get("/admin/providers", refused), 403, "role_required");
            }
            assertThat(app.http.get("/admin/providers", c.unknown()).status()).isEqualTo(401);
            assertThat(app.http.post("/admin/providers/p-1/approve", "{}", c.operator()).status()).isEqualTo(403);
            assertThat(app.http.post("/admin/providers/p-1/approve", "{}", c.admin()).status())
                    .as("allowed, and there is no such provider").isEqualTo(404);
        }
    }

    @DbTest
    void fleetEnrolment(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Cast c = Cast.of(app);
            String body = "{\"ip\": \"10.9.8.7\", \"secret\": \"" + "s".repeat(40) + "\"}";
            assertThat(app.http.post("/api/v1/workers", body, c.worker()).status()).isEqualTo(201);
            for (String[] refused : List.of(c.operator(), c.submitter())) {
                Http.Response r = app.http.post("/api/v1/workers", body, refused);
                assertThat(r.status()).isEqualTo(403);
                assertThat(r.json().get("error").asText()).as("fleet-registration's shape").isEqualTo("Forbidden");
            }
            Http.Response unknown = app.http.post("/api/v1/workers", body, c.unknown());
            assertThat(unknown.status()).isEqualTo(401);
            assertThat(unknown.json().get("error").asText()).isEqualTo("Unauthorized");
        }
    }

    @DbTest
    void fleetView(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Cast c = Cast.of(app);
            String body = "{\"ip\": \"10.9.8.7\", \"secret\": \"" + "s".repeat(40) + "\"}";
            String worker = app.http.post("/api/v1/workers", body, c.worker()).json().get("id").asText();
            String at = "/api/v1/fleet/workers/" + worker;
            for (String[] allowed : List.of(c.admin(), c.operator())) {
                assertThat(app.http.get("/api/v1/fleet/workers", allowed).status()).isEqualTo(200);
                assertThat(app.http.get(at, allowed).status()).isEqualTo(200);
                assertThat(app.http.post(at + "/drain", "{}", allowed).status()).isEqualTo(200);
                assertThat(app.http.post(at + "/resume", "{}", allowed).status()).isEqualTo(200);
            }
            gatewayError(app.http.get("/api/v1/fleet/workers", c.submitter()), 403, "ROLE_REQUIRED");
            gatewayError(app.http.post(at + "/drain", "{}", c.submitter()), 403, "ROLE_REQUIRED");
            gatewayError(app.http.get("/api/v1/fleet/workers", c.unknown()), 401, "UNAUTHORIZED");
            String labels = "{\"gpu\": \"true\"}";
            assertThat(app.http.method("PUT", at + "/labels", labels, c.operator()).status()).isEqualTo(403);
            assertThat(app.http.method("PUT", at + "/labels", labels, c.admin()).status()).isEqualTo(200);
        }
    }

    private static List<String> jobIds(TestApp app, String[] bearer) {
        Http.Response r = app.http.get("/api/jobs/create", bearer);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        r.json().get("jobs").forEach(j -> ids.add(j.get("jobId").asText()));
        assertThat(r.json().get("count").asInt()).isEqualTo(ids.size());
        return ids;
    }

    /** command-executor.md's {"error": "...", "statusCode": n}. */
    private static void executorError(Http.Response r, int status) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("statusCode").asInt()).isEqualTo(status);
    }

    private static void gatewayError(Http.Response r, int status, String code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("success").asBoolean()).isFalse();
        assertThat(r.json().get("code").asText()).isEqualTo(code);
    }

    private static void houseError(Http.Response r, int status, String error) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("error").asText()).isEqualTo(error);
        assertThat(r.json().get("request_id").asText()).isNotBlank();
    }
}
