package dev.vectis.api.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * POST /api/workers/leave (docs/command-executor.md, "Leaving"): authenticated like the
 * worker's heartbeats, offline at once with a worker.left event, the jobs it is not finishing
 * handed back, and no job for it until it is heard from again.
 */
class WorkerLeaveTest {

    private static final String SECRET = FleetRegistrationTest.SECRET;
    private static final String W1 = "{\"workerId\":\"w1\",\"hostname\":\"box\"}";

    @DbTest
    void onlyTheWorkersOwnSignatureMakesAnEnrolledWorkerLeave(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            String id = FleetRegistrationTest.enrol(app, "203.0.113.5", SECRET).json().get("id").asText();
            String other = FleetRegistrationTest.enrol(app, "203.0.113.6", SECRET.replace('a', 'b')).json()
                    .get("id").asText();
            String body = "{\"workerId\":\"" + id + "\"}";
            long now = Instant.now().getEpochSecond();

            assertThat(app.http.post("/api/workers/leave", body).status()).as("no credential").isEqualTo(401);
            assertThat(app.http.post("/api/workers/leave", body, "Authorization", "Bearer wrong-token-0123456789")
                    .status()).as("a wrong token").isEqualTo(401);
            Http.Response token = app.http.post("/api/workers/leave", body, TestApp.worker());
            assertThat(token.status()).as("the shared token cannot speak for an enrolled worker").isEqualTo(403);
            assertThat(token.json().get("statusCode").asInt()).isEqualTo(403);
            assertThat(app.http.post("/api/workers/leave", body, TestApp.admin()).status()).isEqualTo(403);
            assertThat(SignedCalls.send(app, "POST", "/api/workers/leave", body, id, "0".repeat(64), now, null)
                    .status()).as("a wrong secret").isEqualTo(401);
            assertThat(SignedCalls.send(app, "POST", "/api/workers/leave", body, other, SECRET.replace('a', 'b'), now,
                    null).status()).as("another worker's signature").isEqualTo(403);
            assertThat(status(app, id)).as("nothing refused changed anything").isNotEqualTo("offline");
            assertThat(leftEvents(app, id)).isZero();

            Http.Response left = new SignedCalls(app, id, SECRET).send("POST", "/api/workers/leave", body);
            assertThat(left.status()).as(left.body()).isEqualTo(200);
            assertThat(left.json().get("success").asBoolean()).isTrue();
            assertThat(left.json().get("handedBack")).isEmpty();
            assertThat(status(app, id)).isEqualTo("offline");
            assertThat(leftEvents(app, id)).isEqualTo(1);
            assertThat(offlineEvents(app, id)).isZero();
        }
    }

    @DbTest
    void badBodiesAre400AndUnknownWorkers404(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            app.http.post("/api/workers/register", W1, TestApp.worker());
            for (String bad : new String[] {"{}", "{\"workerId\":\"w1\",\"stillRunning\":\"job-1\"}",
                "{\"workerId\":\"w1\",\"stillRunning\":[\"\"]}", "{\"workerId\":\"w1\",\"stillRunning\":[\""
                        + "j".repeat(101) + "\"]}", "not json"}) {
                Http.Response r = app.http.post("/api/workers/leave", bad, TestApp.worker());
                assertThat(r.status()).as(bad + " -> " + r.body()).isEqualTo(400);
                assertThat(r.json().get("statusCode").asInt()).isEqualTo(400);
            }
            Http.Response unknown = app.http.post("/api/workers/leave", "{\"workerId\":\"nobody\"}", TestApp.worker());
            assertThat(unknown.status()).as(unknown.body()).isEqualTo(404);
            assertThat(status(app, "w1")).isNotEqualTo("offline");
        }
    }

    @DbTest
    void jobsItIsNotFinishingGoBackAndThoseItIsStayItsOwn(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            app.http.post("/api/workers/register", "{\"workerId\":\"w1\",\"hostname\":\"box\",\"maxJobs\":2}",
                    TestApp.worker());
            String kept = create(app, 1);
            String abandoned = create(app, 2);
            assertThat(app.http.get("/api/jobs/get-job?workerId=w1", TestApp.worker()).status()).isEqualTo(200);
            assertThat(app.http.get("/api/jobs/get-job?workerId=w1", TestApp.worker()).status()).isEqualTo(200);

            Http.Response left = app.http.post("/api/workers/leave", "{\"workerId\":\"w1\",\"stillRunning\":[\"" + kept
                    + "\"]}", TestApp.worker());

            assertThat(left.status()).as(left.body()).isEqualTo(200);
            assertThat(left.json().get("handedBack")).extracting(JsonNode::asText).containsExactly(abandoned);
            assertThat(job(app, abandoned).get("status").asText()).isEqualTo("pending");
            assertThat(job(app, kept).get("status").asText()).isEqualTo("running");
            // The kept job is reported as usual.
            assertThat(app.http.post("/api/jobs/submit-result", "{\"jobId\":\"" + kept + "\",\"workerId\":\"w1\","
                    + "\"stdout\":\"done\",\"exitCode\":0}", TestApp.worker()).status()).isEqualTo(200);
            assertThat(job(app, kept).get("status").asText()).isEqualTo("completed");

            // Leaving again hands back what is left, with no second departure event.
            String third = create(app, 1);
            app.app().database().jdbi().useHandle(h -> h.createUpdate("UPDATE jobs SET status = 'running', "
                    + "worker_id = 'w1', attempt = 1, started_at = 1, deadline_at = 9999999999999 WHERE id = :id")
                    .bind("id", third).execute());
            Http.Response again = app.http.post("/api/workers/leave", "{\"workerId\":\"w1\",\"stillRunning\":[]}",
                    TestApp.worker());
            assertThat(again.json().get("handedBack")).extracting(JsonNode::asText).containsExactly(third);
            assertThat(job(app, third).get("status").asText()).isEqualTo("failed");
            assertThat(job(app, third).get("errorMessage").asText()).isEqualTo("worker left");
            assertThat(leftEvents(app, "w1")).isEqualTo(1);
        }
    }

    @DbTest
    void aPollLeftOpenGetsNoJobAfterTheDepartureUntilTheWorkerRegistersAgain(TestDatabase db) throws Exception {
        try (TestApp app = TestApp.start(db)) {
            app.http.post("/api/workers/register", W1, TestApp.worker());
            // The poll counts as a heartbeat, recorded before the departure.
            CompletableFuture<Http.Response> poll = CompletableFuture.supplyAsync(() ->
                    app.http.get("/api/jobs/get-job?workerId=w1&wait=20", TestApp.worker()));
            await().atMost(Duration.ofSeconds(10)).until(() -> app.app().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT names_itself FROM workers WHERE id = 'w1'").mapTo(Boolean.class).one()));

            assertThat(app.http.post("/api/workers/leave", "{\"workerId\":\"w1\"}", TestApp.worker()).status())
                    .isEqualTo(200);
            String job = create(app, 1);

            Http.Response answered = poll.get(25, TimeUnit.SECONDS);
            assertThat(answered.status()).isEqualTo(202);
            assertThat(answered.json().get("job").isNull()).isTrue();
            assertThat(job(app, job).get("status").asText()).isEqualTo("pending");
            // Heartbeats are written in batches; the one the poll made is older than the departure.
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> status(app, "w1").equals("offline"));

            assertThat(app.http.post("/api/workers/register", W1, TestApp.worker()).status()).isEqualTo(200);
            assertThat(status(app, "w1")).isNotEqualTo("offline");
            Http.Response next = app.http.get("/api/jobs/get-job?workerId=w1", TestApp.worker());
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.json().get("job").get("jobId").asText()).isEqualTo(job);
        }
    }

    @DbTest
    void aHeartbeatAfterTheDepartureEndsIt(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            app.http.post("/api/workers/register", W1, TestApp.worker());
            app.http.post("/api/workers/leave", "{\"workerId\":\"w1\"}", TestApp.worker());
            assertThat(status(app, "w1")).isEqualTo("offline");

            app.http.post("/api/workers/heartbeat", "{\"workerId\":\"w1\"}", TestApp.worker());

            await().atMost(Duration.ofSeconds(5)).until(() -> !status(app, "w1").equals("offline"));
            String job = create(app, 1);
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    app.http.get("/api/jobs/get-job?workerId=w1", TestApp.worker()).status() == 200);
            assertThat(job(app, job).get("workerId").asText()).isEqualTo("w1");
        }
    }

    private static String create(TestApp app, int maxAttempts) {
        return app.http.post("/api/jobs/create", "{\"command\":\"sleep 100\",\"fileUrl\":\"/uploads/x.zip\","
                + "\"filename\":\"x.zip\",\"maxAttempts\":" + maxAttempts + "}", TestApp.admin()).json()
                .get("jobId").asText();
    }

    private static JsonNode job(TestApp app, String id) {
        return app.http.get("/api/jobs/status?jobId=" + id, TestApp.admin()).json();
    }

    private static String status(TestApp app, String id) {
        for (JsonNode w : app.http.get("/api/workers/register", TestApp.admin()).json().get("workers")) {
            if (w.get("workerId").asText().equals(id)) {
                return w.get("status").asText();
            }
        }
        return "missing";
    }

    private static long leftEvents(TestApp app, String id) {
        return count(app, id, "worker.left");
    }

    private static long offlineEvents(TestApp app, String id) {
        return count(app, id, "worker.offline");
    }

    private static long count(TestApp app, String id, String type) {
        return app.app().database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM events WHERE worker_id = :w AND type = :t")
                .bind("w", id).bind("t", type).mapTo(Long.class).one());
    }
}
