package dev.vectis.api.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Impersonation attempts (issue 11): a caller holding the shared worker token, the admin
 * token, another enrolled worker's signature, or nothing at all where executor.auth is none,
 * tries to act for an enrolled agent that holds a secret, on every contract it could reach.
 * Every attempt is refused and changes nothing; the agent itself, signing its calls, goes on
 * to finish its job.
 */
class WorkerImpersonationTest {

    private static final String VICTIM_IP = "203.0.113.5";
    private static final String[] NO_CREDENTIAL = {};

    @DbTest
    void theSharedWorkerTokenCannotActForAnAgentThatSigns(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            attackAndCheck(app, TestApp.worker(), TestApp.worker());
        }
    }

    @DbTest
    void neitherCanTheAdminToken(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            attackAndCheck(app, TestApp.admin(), TestApp.admin());
        }
    }

    @DbTest
    void withExecutorAuthNoneACallerWithoutCredentialsCannotEither(TestDatabase db) {
        try (TestApp app = TestApp.start(db, Map.of("VECTIS_EXECUTOR_AUTH", "none"))) {
            attackAndCheck(app, NO_CREDENTIAL, TestApp.worker());
        }
    }

    @DbTest
    void anotherEnrolledWorkersSignatureCannotEither(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Victim v = Victim.enrolAndTakeAJob(app);
            String other = FleetRegistrationTest.enrol(app, "203.0.113.77", "f".repeat(64)).json().get("id").asText();
            SignedCalls attacker = new SignedCalls(app, other, "f".repeat(64));
            Snapshot before = Snapshot.of(app, v);
            List<String> accepted = new ArrayList<>();
            List<Attempt> naming = new ArrayList<>(executorAttempts(v));
            naming.addAll(gatewayAttempts(v));
            naming.removeIf(a -> !a.toString().contains(v.id));
            for (Attempt a : naming) {
                Http.Response r = attacker.send(a.method(), a.target(), a.body(), a.headers());
                if (r.status() != 403) {
                    accepted.add(a + " -> " + r.status() + " " + r.body());
                }
            }
            assertThat(accepted).isEmpty();
            // Naming no one, it speaks for itself: not the job's worker, so told to keep out of it.
            Http.Response output = attacker.send("POST", "/api/jobs/stream-output", "{\"jobId\":\"" + v.job
                    + "\",\"data\":\"forged\\n\",\"type\":\"stdout\"}");
            assertThat(output.status()).isEqualTo(403);
            Http.Response check = attacker.send("GET", "/api/jobs/check-cancel?jobId=" + v.job, null);
            assertThat(check.json().get("cancelled").asBoolean()).isTrue();
            assertThat(Snapshot.of(app, v)).isEqualTo(before);
            v.finishesItsJob();
        }
    }

    /** Stream-output names its worker and is checked against the assignment, as submit-result is. */
    @DbTest
    void streamedOutputNamesItsWorkerLikeAResult(TestDatabase db) {
        try (TestApp app = TestApp.start(db, Map.of("VECTIS_EXECUTOR_AUTH", "none"))) {
            app.http.post("/api/workers/register", "{\"workerId\":\"runner-1\",\"hostname\":\"h1\"}");
            app.http.post("/api/workers/register", "{\"workerId\":\"runner-2\",\"hostname\":\"h2\"}");
            String job = createJob(app, NO_CREDENTIAL);
            assertThat(app.http.get("/api/jobs/get-job?workerId=runner-1").status()).isEqualTo(200);

            Http.Response unnamed = app.http.post("/api/jobs/stream-output", "{\"jobId\":\"" + job
                    + "\",\"data\":\"forged\\n\",\"type\":\"stdout\"}");
            assertThat(unnamed.status()).isEqualTo(400);
            assertThat(unnamed.json().get("error").asText()).contains("workerId");
            Http.Response other = app.http.post("/api/jobs/stream-output", "{\"jobId\":\"" + job
                    + "\",\"workerId\":\"runner-2\",\"data\":\"forged\\n\",\"type\":\"stdout\"}");
            assertThat(other.status()).isEqualTo(403);
            assertThat(other.json().get("error").asText()).isEqualTo("Worker is not assigned to this job");
            Http.Response byHeader = app.http.post("/api/jobs/stream-output", "{\"jobId\":\"" + job
                    + "\",\"data\":\"forged\\n\",\"type\":\"stdout\"}", "X-Worker-Id", "runner-2");
            assertThat(byHeader.status()).isEqualTo(403);
            assertThat(app.http.post("/api/jobs/stream-output", "{\"jobId\":\"" + job
                    + "\",\"workerId\":\"runner-1\",\"data\":\"real\\n\",\"type\":\"stdout\"}").status()).isEqualTo(200);
            assertThat(app.http.get("/api/jobs/status?jobId=" + job).json().get("stdout").asText()).isEqualTo("real\n");
        }
    }

    // ================================================================ the attempts

    /**
     * Runs every attempt with {@code executorAuth} on the executor contract and {@code gatewayAuth}
     * on the gateway (which always needs a token), then checks nothing changed and the agent
     * still finishes its job.
     */
    private static void attackAndCheck(TestApp app, String[] executorAuth, String[] gatewayAuth) {
        Victim v = Victim.enrolAndTakeAJob(app);
        String pending = createJob(app, TestApp.admin());
        Snapshot before = Snapshot.of(app, v);

        List<String> accepted = new ArrayList<>();
        for (Attempt a : executorAttempts(v)) {
            Http.Response r = a.send(app, executorAuth);
            if (r.status() != a.refusal()) {
                accepted.add(a + " -> " + r.status() + " " + r.body());
            } else {
                assertThat(r.json().get("error").asText()).as(a.toString())
                        .contains(a.refusal() == 400 ? "workerId" : "signs its calls");
            }
        }
        for (Attempt a : gatewayAttempts(v)) {
            Http.Response r = a.send(app, gatewayAuth);
            if (r.status() != 403 || !r.json().get("code").asText().equals("SIGNATURE_REQUIRED")) {
                accepted.add(a + " -> " + r.status() + " " + r.body());
            }
        }
        assertThat(accepted).isEmpty();

        // A poll that names no worker is never the agent's: nothing is handed out in its name.
        Http.Response anonymous = app.http.get("/api/jobs/get-job", executorAuth);
        assertThat(anonymous.status()).isEqualTo(202);
        // Re-enrolling its address takes its secret, not just the token; the answer names nobody.
        Http.Response resync = FleetRegistrationTest.enrol(app, VICTIM_IP, "e".repeat(64), gatewayAuth);
        assertThat(resync.status()).isEqualTo(409);
        assertThat(resync.body()).doesNotContain(v.id);

        assertThat(Snapshot.of(app, v)).isEqualTo(before);
        assertThat(status(app, pending).get("status").asText()).isEqualTo("pending");
        v.finishesItsJob();
    }

    /** Every executor call that can speak for a worker, each naming the agent (or its job) without its signature. */
    private static List<Attempt> executorAttempts(Victim v) {
        String id = v.id;
        String job = v.job;
        return List.of(
                new Attempt("POST", "/api/workers/register", "{\"workerId\":\"" + id
                        + "\",\"hostname\":\"evil\",\"maxJobs\":50}", 403),
                new Attempt("POST", "/api/workers/heartbeat", "{\"workerId\":\"" + id + "\"}", 403),
                new Attempt("GET", "/api/jobs/get-job?workerId=" + id, null, 403),
                new Attempt("GET", "/api/jobs/get-job", null, 403, "X-Worker-Id", id),
                new Attempt("POST", "/api/jobs/submit-result", "{\"jobId\":\"" + job + "\",\"workerId\":\"" + id
                        + "\",\"stdout\":\"forged\",\"stderr\":\"\",\"exitCode\":0}", 403),
                new Attempt("PUT", "/api/jobs/submit-result", "{\"jobId\":\"" + job + "\",\"workerId\":\"" + id
                        + "\",\"errorMessage\":\"forged\"}", 403),
                new Attempt("POST", "/api/jobs/stream-output", "{\"jobId\":\"" + job + "\",\"workerId\":\"" + id
                        + "\",\"data\":\"forged\\n\",\"type\":\"stdout\"}", 403),
                new Attempt("POST", "/api/jobs/stream-output", "{\"jobId\":\"" + job
                        + "\",\"data\":\"forged\\n\",\"type\":\"stdout\"}", 403, "X-Worker-Id", id),
                new Attempt("POST", "/api/jobs/stream-output", "{\"jobId\":\"" + job
                        + "\",\"data\":\"forged\\n\",\"type\":\"stdout\"}", 400),
                new Attempt("GET", "/api/jobs/check-cancel?jobId=" + job + "&workerId=" + id, null, 403),
                new Attempt("GET", "/api/jobs/check-cancel?jobId=" + job, null, 403));
    }

    /** Every session-gateway call that speaks for a worker, each naming the agent. */
    private static List<Attempt> gatewayAttempts(Victim v) {
        String id = v.id;
        return List.of(
                new Attempt("POST", "/api/v1/workers/register", "{\"workerId\":\"" + id
                        + "\",\"endpoint\":\"http://10.9.9.9:8001\"}", 403),
                new Attempt("PUT", "/api/v1/workers/" + id + "/heartbeat", "{\"status\":\"MAINTENANCE\","
                        + "\"cpuUsage\":99.0}", 403),
                new Attempt("POST", "/api/v1/workers/" + id + "/events", "{\"event\":\"worker_stopping\","
                        + "\"workerId\":\"" + id + "\"}", 403),
                new Attempt("POST", "/api/v1/workers/" + id + "/events", "{\"event\":\"session_connected\","
                        + "\"sessionId\":\"hijack-1\",\"data\":{}}", 403),
                new Attempt("POST", "/api/v1/webhooks/session-status", "{\"event\":\"session_connected\","
                        + "\"sessionId\":\"hijack-1\",\"workerId\":\"" + id + "\",\"data\":{\"status\":\"CONNECTED\"}}",
                        403),
                new Attempt("POST", "/api/v1/webhooks/message-status", "{\"event\":\"message_sent\","
                        + "\"sessionId\":\"hijack-1\",\"workerId\":\"" + id + "\",\"data\":{\"messageId\":\"m1\"}}", 403),
                new Attempt("DELETE", "/api/v1/workers/" + id, null, 403));
    }

    private record Attempt(String method, String target, String body, int refusal, String... headers) {

        Http.Response send(TestApp app, String[] auth) {
            String[] all = new String[auth.length + headers.length + 2];
            System.arraycopy(auth, 0, all, 0, auth.length);
            System.arraycopy(headers, 0, all, auth.length, headers.length);
            all[all.length - 2] = "Content-Type";
            all[all.length - 1] = "application/json";
            return app.http.method(method, target, body, all);
        }

        @Override
        public String toString() {
            return method + " " + target + (headers.length > 0 ? " " + String.join(": ", headers) : "")
                    + (body == null ? "" : " " + body);
        }
    }

    // ================================================================ the agent under attack

    /** An agent enrolled with a secret that registered over the executor contract and holds a running job. */
    private static final class Victim {

        final String id;
        final String job;
        final SignedCalls calls;
        private final TestApp app;

        private Victim(TestApp app, String id, String job, SignedCalls calls) {
            this.app = app;
            this.id = id;
            this.job = job;
            this.calls = calls;
        }

        static Victim enrolAndTakeAJob(TestApp app) {
            Http.Response enrolled = FleetRegistrationTest.enrol(app, VICTIM_IP, FleetRegistrationTest.SECRET);
            assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(201);
            String id = enrolled.json().get("id").asText();
            SignedCalls calls = new SignedCalls(app, id, FleetRegistrationTest.SECRET);
            assertThat(calls.send("POST", "/api/workers/register", "{\"workerId\":\"" + id
                    + "\",\"hostname\":\"victim\",\"maxJobs\":1}").status()).isEqualTo(200);
            String job = createJob(app, TestApp.admin());
            Http.Response poll = calls.send("GET", "/api/jobs/get-job?workerId=" + id, null);
            assertThat(poll.status()).as(poll.body()).isEqualTo(200);
            assertThat(poll.json().get("job").get("jobId").asText()).isEqualTo(job);
            return new Victim(app, id, job, calls);
        }

        /** The genuine agent, signing, streams output, is not told to stop, and its result is the one kept. */
        void finishesItsJob() {
            assertThat(calls.send("POST", "/api/workers/heartbeat", "{\"workerId\":\"" + id + "\"}").status())
                    .isEqualTo(200);
            Http.Response out = calls.send("POST", "/api/jobs/stream-output", "{\"jobId\":\"" + job
                    + "\",\"data\":\"working\\n\",\"type\":\"stdout\"}");
            assertThat(out.status()).as(out.body()).isEqualTo(200);
            assertThat(out.json().get("cancelled").asBoolean()).isFalse();
            Http.Response check = calls.send("GET", "/api/jobs/check-cancel?jobId=" + job, null);
            assertThat(check.status()).as(check.body()).isEqualTo(200);
            assertThat(check.json().get("cancelled").asBoolean()).isFalse();
            Http.Response result = calls.send("POST", "/api/jobs/submit-result", "{\"jobId\":\"" + job
                    + "\",\"workerId\":\"" + id + "\",\"stdout\":\"genuine\",\"stderr\":\"\",\"exitCode\":0,"
                    + "\"attempt\":1}");
            assertThat(result.status()).as(result.body()).isEqualTo(200);
            JsonNode done = status(app, job);
            assertThat(done.get("status").asText()).isEqualTo("completed");
            assertThat(done.get("workerId").asText()).isEqualTo(id);
            assertThat(done.get("stdout").asText()).isEqualTo("genuine");
        }
    }

    /** What an impersonator could have changed: the agent's job, its registration, its gateway traces. */
    private record Snapshot(JsonNode job, JsonNode worker, JsonNode events, int hijackedSessionStatus) {

        static Snapshot of(TestApp app, Victim v) {
            JsonNode worker = app.http.get("/api/v1/workers/" + v.id, TestApp.admin()).json().get("data");
            ((ObjectNode) worker).remove("lastHeartbeat");
            JsonNode events = app.http.get("/api/v1/workers/" + v.id + "/events", TestApp.admin()).json().get("data");
            JsonNode job = status(app, v.job);
            return new Snapshot(job, worker, events,
                    app.http.get("/api/v1/sessions/hijack-1", TestApp.admin()).status());
        }
    }

    private static String createJob(TestApp app, String[] auth) {
        Http.Response r = app.http.post("/api/jobs/create", "{\"command\":\"echo hi\",\"fileUrl\":\"/uploads/x.zip\","
                + "\"filename\":\"x.zip\"}", auth);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("jobId").asText();
    }

    private static JsonNode status(TestApp app, String jobId) {
        Http.Response r = app.http.get("/api/jobs/status?jobId=" + jobId, TestApp.admin());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }
}
