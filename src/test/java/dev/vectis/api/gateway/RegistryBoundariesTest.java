package dev.vectis.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;

/** One registry, but each contract changes only the workers it registered; jobs go only to job runners. */
class RegistryBoundariesTest {

    @DbTest
    void theGatewayCannotTakeOverOrRemoveAnotherContractsWorker(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            String vpsHost = app.http.post("/admin/workers/register",
                    "{\"name\":\"host\",\"base_url\":\"http://127.0.0.1:9\",\"max_sessions\":3}", TestApp.admin())
                    .json().get("id").asText();
            Http.Response takeover = app.http.post("/api/v1/workers/register", "{\"workerId\":\"" + vpsHost
                    + "\",\"endpoint\":\"http://10.9.9.9:8001\",\"maxSessions\":5000}", TestApp.worker());
            assertThat(takeover.status()).isEqualTo(409);
            assertThat(takeover.json().get("code").asText()).isEqualTo("WORKER_ID_CONFLICT");
            assertThat(app.http.method("DELETE", "/api/v1/workers/" + vpsHost, null, TestApp.worker()).status())
                    .isEqualTo(404);
            assertThat(app.http.get("/admin/workers", TestApp.admin()).json().get(0).get("max_sessions").asInt())
                    .isEqualTo(3);
            Http.Response viaExecutor = app.http.post("/api/workers/register",
                    "{\"workerId\":\"" + vpsHost + "\",\"hostname\":\"x\"}", TestApp.worker());
            assertThat(viaExecutor.status()).isEqualTo(409);
        }
    }

    @DbTest
    void theGatewayCannotHeartbeatOrReportForAnotherContractsWorker(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            String vpsHost = app.http.post("/admin/workers/register",
                    "{\"name\":\"host\",\"base_url\":\"http://127.0.0.1:9\",\"max_sessions\":3}", TestApp.admin())
                    .json().get("id").asText();
            assertThat(app.http.post("/api/workers/register", "{\"workerId\":\"agent-1\",\"hostname\":\"a\"}",
                    TestApp.worker()).status()).isEqualTo(200);
            for (String other : new String[] {vpsHost, "agent-1"}) {
                Http.Response beat = app.http.method("PUT", "/api/v1/workers/" + other + "/heartbeat",
                        "{\"status\":\"MAINTENANCE\"}", "Authorization", TestApp.worker()[1],
                        "Content-Type", "application/json");
                assertThat(beat.status()).as(other + ": " + beat.body()).isEqualTo(404);
                Http.Response event = app.http.post("/api/v1/webhooks/session-status", "{\"event\":\"connected\","
                        + "\"workerId\":\"" + other + "\",\"sessionId\":\"s-1\",\"data\":{}}", TestApp.worker());
                assertThat(event.status()).as(other + ": " + event.body()).isEqualTo(404);
            }
            org.jdbi.v3.core.Jdbi jdbi = app.app().database().jdbi();
            int maintenance = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM workers WHERE reported_status = "
                    + "'MAINTENANCE'").mapTo(Integer.class).one());
            int chats = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM chat_sessions").mapTo(Integer.class).one());
            assertThat(maintenance).isZero();
            assertThat(chats).isZero();
        }
    }

    @DbTest
    void anonymousPollsAndTheExecutorListOnlySeeJobRunners(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            app.http.post("/api/v1/workers/register", "{\"workerId\":\"chat-1\",\"endpoint\":\"http://localhost:8001\"}",
                    TestApp.worker());
            app.http.post("/api/jobs/create", "{\"command\":\"echo\",\"fileUrl\":\"/uploads/x.zip\",\"filename\":\"x.zip\"}",
                    TestApp.admin());
            assertThat(app.http.get("/api/jobs/get-job", TestApp.worker()).status()).isEqualTo(202);
            assertThat(app.http.get("/api/workers/register", TestApp.admin()).json().get("count").asInt()).isZero();
            app.http.post("/api/workers/register", "{\"workerId\":\"runner\",\"hostname\":\"h\"}", TestApp.worker());
            assertThat(app.http.get("/api/workers/register", TestApp.admin()).json().get("count").asInt()).isEqualTo(1);
            assertThat(app.http.get("/api/v1/workers", TestApp.admin()).json().get("data").get("count").asInt())
                    .isEqualTo(2);
        }
    }
}
