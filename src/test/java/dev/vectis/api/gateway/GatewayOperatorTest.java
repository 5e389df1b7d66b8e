package dev.vectis.api.gateway;

import static dev.vectis.api.gateway.Gateway.MESSAGE_STATUS_BODY;
import static dev.vectis.api.gateway.Gateway.QR_READY_BODY;
import static dev.vectis.api.gateway.Gateway.SESSION;
import static dev.vectis.api.gateway.Gateway.WORKER;
import static dev.vectis.api.gateway.Gateway.eventBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.api.gateway.Gateway.Frame;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.util.List;
import java.util.Map;

/**
 * What operators see across contracts: one worker registry, and one resumable stream of
 * every event.
 */
class GatewayOperatorTest {

    @DbTest
    void theEventStreamSendsEveryEventAndResumesAfterLastEventId(TestDatabase db) throws Exception {
        try (TestApp app = TestApp.start(db)) {
            Gateway.registerOk(app, WORKER, "http://localhost:8001");
            assertThat(Gateway.sessionWebhook(app, QR_READY_BODY).status()).isEqualTo(200);
            Gateway.eventOk(app, WORKER, eventBody("session_connected", WORKER, SESSION, Map.of(), "t2"));
            assertThat(Gateway.messageWebhook(app, MESSAGE_STATUS_BODY).status()).isEqualTo(200);

            // The registration comes first (docs/fleet.md); what the worker sent follows it.
            Frame registered = Gateway.readStream(app, "", 1, () -> { }, TestApp.admin()).get(0);
            assertThat(registered.event()).isEqualTo("worker.registered");
            List<Frame> all = Gateway.readStream(app, "?lastEventId=" + registered.id(), 3, () -> { },
                    TestApp.admin());
            assertThat(all).extracting(Frame::event).containsExactly("qr_ready", "session_connected",
                    "message_status");
            assertThat(all.get(0).id()).isPositive();
            assertThat(all.get(1).id()).isGreaterThan(all.get(0).id());
            assertThat(all.get(2).id()).isGreaterThan(all.get(1).id());
            JsonNode qr = all.get(0).data();
            assertThat(qr.get("id").asLong()).isEqualTo(all.get(0).id());
            assertThat(qr.get("type").asText()).isEqualTo("qr_ready");
            assertThat(qr.get("workerId").asText()).isEqualTo(WORKER);
            assertThat(qr.get("sessionId").asText()).isEqualTo(SESSION);
            assertThat(qr.get("data").get("data")).isEqualTo(Gateway.tree(QR_READY_BODY).get("data"));
            assertThat(all.get(2).data().get("messageId").asText()).isEqualTo("msg_12345");

            // Resuming with Last-Event-ID: what follows that id, nothing before it
            List<Frame> resumed = Gateway.readStream(app, "", 2, () -> { }, TestApp.admin()[0], TestApp.admin()[1],
                    "Last-Event-ID", Long.toString(all.get(0).id()));
            assertThat(resumed).extracting(Frame::id).containsExactly(all.get(1).id(), all.get(2).id());
            // ... or with ?lastEventId= (for clients that cannot set headers)
            List<Frame> byQuery = Gateway.readStream(app, "?lastEventId=" + all.get(1).id(), 1, () -> { },
                    TestApp.admin());
            assertThat(byQuery).extracting(Frame::id).containsExactly(all.get(2).id());

            // An open stream pushes what happens next
            List<Frame> live = Gateway.readStream(app, "", 1,
                    () -> Gateway.eventOk(app, WORKER, eventBody("session_disconnected", WORKER, SESSION, Map.of(),
                            "t4")),
                    TestApp.admin()[0], TestApp.admin()[1], "Last-Event-ID", Long.toString(all.get(2).id()));
            assertThat(live).extracting(Frame::event).containsExactly("session_disconnected");
            assertThat(live.get(0).id()).isGreaterThan(all.get(2).id());

            // A retried webhook is not streamed twice
            assertThat(Gateway.messageWebhook(app, MESSAGE_STATUS_BODY).status()).isEqualTo(200);
            List<Frame> afterRetry = Gateway.readStream(app, "", 1,
                    () -> Gateway.eventOk(app, WORKER, eventBody("session_deleted", WORKER, SESSION, Map.of(), "t5")),
                    TestApp.admin()[0], TestApp.admin()[1], "Last-Event-ID", Long.toString(live.get(0).id()));
            assertThat(afterRetry).extracting(Frame::event).containsExactly("session_deleted");
        }
    }

    @DbTest
    void theEventStreamCarriesEveryContractsEvents(TestDatabase db) throws Exception {
        try (TestApp app = TestApp.start(db)) {
            // A job of the command-executor contract
            Http.Response job = app.http.post("/api/jobs/create", """
                    {"command": "npm test", "fileUrl": "/uploads/project.zip", "filename": "project.zip"}""",
                    TestApp.admin());
            assertThat(job.status()).as(job.body()).isEqualTo(200);
            String jobId = job.json().get("jobId").asText();
            Gateway.registerOk(app, WORKER, "http://localhost:8001");
            assertThat(Gateway.sessionWebhook(app, QR_READY_BODY).status()).isEqualTo(200);
            assertThat(Gateway.unregister(app, WORKER).status()).isEqualTo(200);

            List<Frame> frames = Gateway.readStream(app, "", 4, () -> { }, TestApp.admin());
            assertThat(frames.get(0).event()).startsWith("job.");
            assertThat(frames.get(0).data().toString()).contains(jobId);
            assertThat(frames.get(1).event()).isEqualTo("worker.registered");
            assertThat(frames.get(2).event()).isEqualTo("qr_ready");
            assertThat(frames.get(3).event()).isEqualTo("worker.unregistered");
        }
    }

    @DbTest
    void workersOfEveryContractShareOneRegistry(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            // Enrolled through the command-executor contract
            Http.Response exec = app.http.post("/api/workers/register", """
                    {"workerId": "exec-1", "hostname": "build-box", "os": "linux", "cpuCount": 8,
                     "version": "2.0.0"}""", TestApp.worker());
            assertThat(exec.status()).as(exec.body()).isEqualTo(200);
            Gateway.registerOk(app, WORKER, "http://localhost:8001");

            Http.Response list = app.http.get("/api/v1/workers", TestApp.admin());
            assertThat(list.status()).isEqualTo(200);
            assertThat(list.json().get("success").asBoolean()).isTrue();
            JsonNode data = list.json().get("data");
            assertThat(data.get("count").asInt()).isEqualTo(2);
            assertThat(data.get("nextCursor").isNull()).isTrue();
            List<JsonNode> workers = Gateway.list(data.get("workers"));
            assertThat(workers).extracting(w -> w.get("workerId").asText()).containsExactly("exec-1", WORKER);
            JsonNode e = workers.get(0);
            assertThat(e.get("enrolledVia").asText()).isEqualTo("executor");
            assertThat(e.get("status").asText()).isEqualTo("ONLINE");
            assertThat(e.get("liveness").asText()).isEqualTo("online");
            assertThat(e.get("hostname").asText()).isEqualTo("build-box");
            assertThat(e.get("version").asText()).isEqualTo("2.0.0");
            assertThat(e.get("currentSessions").asInt()).isZero();
            assertThat(workers.get(1).get("enrolledVia").asText()).isEqualTo("gateway");

            JsonNode detail = Gateway.worker(app, "exec-1");
            assertThat(detail.get("workerId").asText()).isEqualTo("exec-1");
            assertThat(detail.get("assignedSessions")).isEmpty();

            // The executor's heartbeat is heard by the same registry
            assertThat(app.http.post("/api/workers/heartbeat", "{\"workerId\": \"exec-1\"}", TestApp.worker())
                    .status()).isEqualTo(200);
            // ... while the executor's own list shows only workers that run jobs (not the chat worker)
            Http.Response executorList = app.http.get("/api/workers/register", TestApp.admin());
            assertThat(executorList.status()).isEqualTo(200);
            assertThat(executorList.json().toString()).contains("exec-1").doesNotContain(WORKER);

            // Paged
            JsonNode first = app.http.get("/api/v1/workers?limit=1", TestApp.admin()).json().get("data");
            assertThat(Gateway.list(first.get("workers"))).extracting(w -> w.get("workerId").asText())
                    .containsExactly("exec-1");
            assertThat(first.get("count").asInt()).isEqualTo(2);
            String cursor = first.get("nextCursor").asText();
            JsonNode second = app.http.get("/api/v1/workers?limit=1&cursor=" + cursor, TestApp.admin()).json()
                    .get("data");
            assertThat(Gateway.list(second.get("workers"))).extracting(w -> w.get("workerId").asText())
                    .containsExactly(WORKER);
            assertThat(second.get("nextCursor").isNull()).isTrue();
        }
    }
}
