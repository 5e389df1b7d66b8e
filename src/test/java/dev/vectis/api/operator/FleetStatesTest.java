package dev.vectis.api.operator;

import static dev.vectis.api.operator.FleetCalls.act;
import static dev.vectis.api.operator.FleetCalls.eventTypes;
import static dev.vectis.api.operator.FleetCalls.poll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;

/** Drain, maintenance, disable and resume: what a worker is then given, and the events they write. */
class FleetStatesTest {

    @DbTest
    void aDrainedWorkerFinishesItsJobAndTakesNoOther(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            // Room for two jobs, so the refusal below is the drain's, not a full worker's.
            FleetCalls.registerExecutor(app, "exec-1", 2);
            String first = FleetCalls.createJob(app);
            assertThat(poll(app, "exec-1")).isEqualTo(first);

            JsonNode draining = act(app, "exec-1", "drain");
            assertThat(draining.get("state").asText()).isEqualTo("draining");
            assertThat(draining.get("load").get("jobs").asInt()).isEqualTo(1);
            String second = FleetCalls.createJob(app);
            assertThat(poll(app, "exec-1")).as("no new job while draining").isNull();
            assertThat(FleetCalls.jobStatus(app, second)).isEqualTo("pending");
            assertThat(act(app, "exec-1", "drain").get("state").asText()).as("draining again changes nothing")
                    .isEqualTo("draining");

            FleetCalls.complete(app, "exec-1", first);
            assertThat(FleetCalls.jobStatus(app, first)).isEqualTo("completed");
            assertThat(FleetCalls.worker(app, "exec-1").get("state").asText()).as("nothing runs any more")
                    .isEqualTo("drained");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(eventTypes(app, "exec-1")).containsSubsequence("worker.draining", "worker.drained"));
            String stored = app.app().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT status FROM workers WHERE id = 'exec-1'").mapTo(String.class).one());
            assertThat(stored).as("the sweep stored what the view showed").isEqualTo("drained");
            assertThat(poll(app, "exec-1")).as("a drained worker takes nothing either").isNull();
            assertThat(FleetCalls.list(app, "?state=drained").get("count").asInt()).isEqualTo(1);

            assertThat(act(app, "exec-1", "resume").get("state").asText()).isEqualTo("online");
            assertThat(poll(app, "exec-1")).isEqualTo(second);
            assertThat(eventTypes(app, "exec-1")).containsSubsequence("worker.draining", "worker.drained",
                    "worker.resumed");
        }
    }

    @DbTest
    void anIdleWorkerIsDrainedAtOnceAndEveryChangeIsAnEvent(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            FleetCalls.registerExecutor(app, "exec-1", 1);
            Http.Response drained = app.http.post("/api/v1/fleet/workers/exec-1/drain",
                    "{\"reason\": \"kernel upgrade\"}", TestApp.admin());
            assertThat(drained.status()).as(drained.body()).isEqualTo(200);
            assertThat(drained.json().get("data").get("state").asText()).isEqualTo("drained");
            assertThat(act(app, "exec-1", "maintenance").get("state").asText()).isEqualTo("maintenance");
            assertThat(act(app, "exec-1", "disable").get("state").asText()).isEqualTo("disabled");
            assertThat(act(app, "exec-1", "resume").get("state").asText()).isEqualTo("online");
            assertThat(act(app, "exec-1", "resume").get("state").asText()).isEqualTo("online");
            assertThat(eventTypes(app, "exec-1")).containsExactly("worker.registered", "worker.draining",
                    "worker.drained", "worker.maintenance", "worker.disabled", "worker.resumed");

            JsonNode first = app.http.get("/api/v1/fleet/workers/exec-1/events?limit=2", TestApp.admin()).json()
                    .get("data");
            assertThat(first.get("events").get(0).get("type").asText()).isEqualTo("worker.resumed");
            assertThat(first.get("events").get(0).get("source").asText()).isEqualTo("fleet");
            assertThat(first.get("events").get(0).get("data").get("from").asText()).isEqualTo("disabled");
            assertThat(first.get("events").get(0).get("data").get("to").asText()).isEqualTo("active");
            JsonNode rest = app.http.get("/api/v1/fleet/workers/exec-1/events?limit=10&cursor="
                    + first.get("nextCursor").asText(), TestApp.admin()).json().get("data");
            assertThat(rest.get("events")).hasSize(4);
            assertThat(rest.get("events").get(2).get("data").get("reason").asText()).isEqualTo("kernel upgrade");
            assertThat(rest.get("nextCursor").isNull()).isTrue();
        }
    }

    /** The reported failure: disabled through the marketplace's admin API, the worker still took the next job. */
    @DbTest
    void aWorkerDisabledThroughTheMarketplaceTakesNoJob(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            FleetCalls.registerExecutor(app, "exec-1", 1);
            Http.Response disabled = app.http.method("PATCH", "/admin/workers/exec-1", "{\"status\": \"disabled\"}",
                    TestApp.admin());
            assertThat(disabled.status()).as(disabled.body()).isEqualTo(200);
            assertThat(disabled.json().get("status").asText()).isEqualTo("disabled");
            String job = FleetCalls.createJob(app);
            assertThat(poll(app, "exec-1")).isNull();
            Http.Response longPoll = app.http.get("/api/jobs/get-job?workerId=exec-1&wait=1", TestApp.worker());
            assertThat(longPoll.status()).isEqualTo(202);
            assertThat(longPoll.json().get("message").asText()).isEqualTo("No jobs available");
            assertThat(FleetCalls.worker(app, "exec-1").get("state").asText()).isEqualTo("disabled");
            assertThat(eventTypes(app, "exec-1")).endsWith("worker.disabled");

            assertThat(app.http.method("PATCH", "/admin/workers/exec-1", "{\"status\": \"active\"}", TestApp.admin())
                    .status()).isEqualTo(200);
            assertThat(poll(app, "exec-1")).isEqualTo(job);
            assertThat(eventTypes(app, "exec-1")).containsSubsequence("worker.disabled", "worker.resumed", "job.running");
        }
    }

    /** A long poll waiting while its worker is paused takes a job once the worker is resumed. */
    @DbTest
    void aWaitingPollTakesWorkOnceItsWorkerIsResumed(TestDatabase db) throws Exception {
        try (TestApp app = TestApp.start(db)) {
            FleetCalls.registerExecutor(app, "exec-1", 1);
            act(app, "exec-1", "maintenance");
            String job = FleetCalls.createJob(app);
            var waiting = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                    app.http.get("/api/jobs/get-job?workerId=exec-1&wait=25", TestApp.worker()));
            act(app, "exec-1", "resume");
            Http.Response r = waiting.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().get("job").get("jobId").asText()).isEqualTo(job);
        }
    }

    @DbTest
    void enrolmentsAndRegistrationsAreEvents(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            FleetCalls.registerExecutor(app, "exec-1", 1);
            FleetCalls.registerExecutor(app, "exec-1", 1);
            assertThat(eventTypes(app, "exec-1")).containsExactly("worker.registered", "worker.reregistered");

            String gateway = """
                    {"workerId": "gw-1", "endpoint": "http://localhost:8001", "maxSessions": 5, "status": "ONLINE"}""";
            assertThat(app.http.post("/api/v1/workers/register", gateway, TestApp.worker()).status()).isEqualTo(200);
            assertThat(app.http.post("/api/v1/workers/register", gateway, TestApp.worker()).status()).isEqualTo(200);
            assertThat(eventTypes(app, "gw-1")).containsExactly("worker.registered", "worker.reregistered");
            JsonNode registered = app.http.get("/api/v1/fleet/workers/gw-1/events", TestApp.admin()).json()
                    .get("data").get("events").get(1);
            assertThat(registered.get("source").asText()).isEqualTo("session-worker-gateway");
            assertThat(registered.get("data").get("endpoint").asText()).isEqualTo("http://localhost:8001");

            String enrol = """
                    {"ip": "198.51.100.7", "secret": "%s", "hostname": "agent-box"}""".formatted("s".repeat(40));
            Http.Response enrolled = app.http.post("/api/v1/workers", enrol, TestApp.worker());
            assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(201);
            String agent = enrolled.json().get("id").asText();
            assertThat(app.http.post("/api/v1/workers", enrol, TestApp.worker()).status()).isEqualTo(200);
            // Another machine claiming the address without the secret is no re-enrolment.
            assertThat(app.http.post("/api/v1/workers", enrol.replace("sss", "ttt"), TestApp.worker()).status())
                    .isEqualTo(409);
            // The agent's first registration through the executor contract is a first one.
            FleetCalls.registerSigned(app, agent, "s".repeat(40));
            assertThat(eventTypes(app, agent)).containsExactly("worker.enrolled", "worker.reenrolled",
                    "worker.registered");

            Http.Response host = app.http.post("/admin/workers/register", """
                    {"name": "vm-host", "base_url": "http://127.0.0.1:9"}""", TestApp.admin());
            assertThat(host.status()).isEqualTo(201);
            assertThat(eventTypes(app, host.json().get("id").asText())).containsExactly("worker.registered");

            // The operator stream carries them too.
            long onStream = app.app().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT COUNT(*) FROM events WHERE type LIKE 'worker.%'").mapTo(Long.class).one());
            assertThat(onStream).isEqualTo(8);
        }
    }
}
