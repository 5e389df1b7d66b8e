package dev.vectis.api.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.auth.HmacSignature;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Instant;

/** Enrolled workers authenticate worker calls with HMAC signatures instead of a shared token. */
class WorkerSignatureTest {

    private static final String SECRET = FleetRegistrationTest.SECRET;

    private static Http.Response signed(TestApp app, String method, String target, String body, String worker,
                                        String secret, long timestamp, String sentBody) {
        return SignedCalls.send(app, method, target, body, worker, secret, timestamp, sentBody);
    }

    private static Http.Response signed(TestApp app, String method, String target, String body, String worker) {
        return signed(app, method, target, body, worker, SECRET, Instant.now().getEpochSecond(), null);
    }

    private static String enrolled(TestApp app) {
        return FleetRegistrationTest.enrol(app, "203.0.113.5", SECRET).json().get("id").asText();
    }

    @DbTest
    void aValidSignatureAuthenticatesWorkerCalls(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            String id = enrolled(app);
            Http.Response beat = signed(app, "POST", "/api/workers/heartbeat", "{\"workerId\":\"" + id + "\"}", id);
            assertThat(beat.status()).isEqualTo(200);
            assertThat(beat.json().get("heartbeatIntervalSeconds").asInt()).isEqualTo(10);
            Http.Response register = signed(app, "POST", "/api/workers/register",
                    "{\"workerId\":\"" + id + "\",\"hostname\":\"box\",\"maxJobs\":2}", id);
            assertThat(register.status()).isEqualTo(200);
        }
    }

    @DbTest
    void tamperedStaleOrWronglyKeyedRequestsAre401(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            String id = enrolled(app);
            String body = "{\"workerId\":\"" + id + "\"}";
            long now = Instant.now().getEpochSecond();
            Http.Response tampered = signed(app, "POST", "/api/workers/heartbeat", body, id, SECRET, now,
                    "{\"workerId\":\"" + id + "\" }");
            assertThat(tampered.status()).isEqualTo(401);
            assertThat(tampered.json().get("statusCode").asInt()).isEqualTo(401);
            // Ten seconds either side of the five-minute window: the server's clock moves on while the test runs,
            // so a timestamp one second past the window could be inside it by the time it is checked.
            assertThat(signed(app, "POST", "/api/workers/heartbeat", body, id, SECRET, now - 310, null).status())
                    .isEqualTo(401);
            assertThat(signed(app, "POST", "/api/workers/heartbeat", body, id, SECRET, now + 310, null).status())
                    .isEqualTo(401);
            assertThat(signed(app, "POST", "/api/workers/heartbeat", body, id, "0".repeat(64), now, null).status())
                    .isEqualTo(401);
            assertThat(signed(app, "POST", "/api/workers/heartbeat", body, "wrk_unknown", SECRET, now, null).status())
                    .isEqualTo(401);
            assertThat(signed(app, "POST", "/api/workers/heartbeat", body, id, SECRET, now - 290, null).status())
                    .isEqualTo(200);
            Http.Response partial = app.http.post("/api/workers/heartbeat", body, HmacSignature.WORKER_HEADER, id);
            assertThat(partial.status()).isEqualTo(401);
            assertThat(partial.json().get("error").asText()).contains(HmacSignature.SIGNATURE_HEADER);
        }
    }

    @DbTest
    void theSignatureCoversThePathAndQuery(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            String id = enrolled(app);
            long now = Instant.now().getEpochSecond();
            String ts = Long.toString(now);
            String forOtherQuery = HmacSignature.sign(HmacSignature.key(SECRET), "GET", "/api/jobs/get-job?wait=0", ts,
                    new byte[0]);
            Http.Response r = app.http.get("/api/jobs/get-job?wait=1", HmacSignature.WORKER_HEADER, id,
                    HmacSignature.TIMESTAMP_HEADER, ts, HmacSignature.SIGNATURE_HEADER, forOtherQuery);
            assertThat(r.status()).isEqualTo(401);
        }
    }

    @DbTest
    void aSignedPollGetsTheJobForTheSigningWorker(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            String id = enrolled(app);
            app.http.post("/api/jobs/create",
                    "{\"command\":\"echo hi\",\"fileUrl\":\"/uploads/x.zip\",\"filename\":\"x.zip\"}", TestApp.admin());
            Http.Response poll = signed(app, "GET", "/api/jobs/get-job", null, id);
            assertThat(poll.status()).isEqualTo(200);
            String jobId = poll.json().get("job").get("jobId").asText();
            assertThat(app.http.get("/api/jobs/status?jobId=" + jobId, TestApp.admin()).json().get("workerId").asText())
                    .isEqualTo(id);
            Http.Response other = signed(app, "GET", "/api/jobs/get-job?workerId=someone-else", null, id);
            assertThat(other.status()).isEqualTo(403);
            Http.Response submit = signed(app, "POST", "/api/jobs/submit-result",
                    "{\"jobId\":\"" + jobId + "\",\"workerId\":\"" + id + "\",\"stdout\":\"hi\",\"exitCode\":0}", id);
            assertThat(submit.status()).isEqualTo(200);
        }
    }
}
