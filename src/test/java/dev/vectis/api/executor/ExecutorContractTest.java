package dev.vectis.api.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The command-executor contract (shared/specs/command-executor.md) over HTTP: the spec's
 * workflow and curl examples verbatim against executor.auth: none, every error in the spec's
 * shape, the token rules, and Vectis' additions (caller identity, pagination, stream-output,
 * cancel, SSE, bundles, direct mode, long polls).
 */
class ExecutorContractTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<String, String> AUTH_NONE = Map.of("VECTIS_EXECUTOR_AUTH", "none");
    private static final String JOB_ID = "job-\\d{13}-[a-z0-9]+";
    private static final Set<String> WORKER_KEYS =
            Set.of("workerId", "hostname", "os", "cpuCount", "status", "lastHeartbeat", "version");
    private static final Set<String> JOB_KEYS = Set.of("jobId", "status", "workerId", "command", "filename", "stdout",
            "stderr", "exitCode", "errorMessage", "createdAt", "startedAt", "completedAt");
    private static final String[] NONE = {};

    // ---------------------------------------------------------------- the spec, verbatim

    @DbTest
    void completeWorkflowGivesTheDocumentedShapes(TestDatabase db) {
        try (TestApp app = TestApp.start(db, AUTH_NONE)) {
            Http http = app.http;

            // 1. Register Worker (the curl example's body)
            Http.Response reg = http.post("/api/workers/register", """
                    {
                      "workerId": "worker-abc123",
                      "hostname": "my-pc",
                      "os": "win32",
                      "cpuCount": 4,
                      "version": "1.0.0"
                    }""");
            assertThat(reg.status()).isEqualTo(200);
            assertThat(keys(reg.json())).containsExactlyInAnyOrder("success", "workerId", "message");
            assertThat(reg.json().get("success").asBoolean()).isTrue();
            assertThat(reg.json().get("workerId").asText()).isEqualTo("worker-abc123");
            assertThat(reg.json().get("message").asText()).isEqualTo("Worker worker-abc123 registered successfully");

            // 2. Worker Heartbeat
            long before = System.currentTimeMillis();
            Http.Response hb = http.post("/api/workers/heartbeat", "{\"workerId\": \"worker-abc123\"}");
            assertThat(hb.status()).isEqualTo(200);
            assertThat(keys(hb.json())).containsExactlyInAnyOrder("success", "workerId", "timestamp");
            assertThat(hb.json().get("success").asBoolean()).isTrue();
            assertThat(hb.json().get("workerId").asText()).isEqualTo("worker-abc123");
            assertThat(hb.json().get("timestamp").isIntegralNumber()).isTrue();
            assertThat(hb.json().get("timestamp").asLong()).isBetween(before - 1000, System.currentTimeMillis() + 1000);

            // 3. List All Workers (Step 1 of the Complete Workflow)
            Http.Response workers = http.get("/api/workers/register");
            assertThat(workers.status()).isEqualTo(200);
            assertThat(workers.json().get("count").asLong()).isEqualTo(1);
            JsonNode w = workers.json().get("workers").get(0);
            assertThat(keys(w)).isEqualTo(WORKER_KEYS);
            assertThat(w.get("workerId").asText()).isEqualTo("worker-abc123");
            assertThat(w.get("hostname").asText()).isEqualTo("my-pc");
            assertThat(w.get("os").asText()).isEqualTo("win32");
            assertThat(w.get("cpuCount").asInt()).isEqualTo(4);
            assertThat(w.get("status").asText()).isEqualTo("idle");
            assertThat(w.get("lastHeartbeat").isIntegralNumber()).isTrue();
            assertThat(w.get("version").asText()).isEqualTo("1.0.0");

            // 4. Create Job (Step 2 of the Complete Workflow)
            Http.Response created = http.post("/api/jobs/create", """
                    {
                      "command": "npm install && npm test",
                      "fileUrl": "/uploads/project.zip",
                      "filename": "project.zip"
                    }""");
            assertThat(created.status()).isEqualTo(200);
            assertThat(keys(created.json())).containsExactlyInAnyOrder("success", "jobId", "message");
            assertThat(created.json().get("success").asBoolean()).isTrue();
            assertThat(created.json().get("message").asText()).isEqualTo("Job created successfully");
            String jobId = created.json().get("jobId").asText();
            assertThat(jobId).matches(JOB_ID);

            // 6. Check Job Status: pending
            JsonNode pending = status(app, jobId, NONE);
            assertThat(keys(pending)).isEqualTo(JOB_KEYS);
            assertThat(pending.get("jobId").asText()).isEqualTo(jobId);
            assertThat(pending.get("status").asText()).isEqualTo("pending");
            assertThat(pending.get("workerId").isNull()).isTrue();
            assertThat(pending.get("command").asText()).isEqualTo("npm install && npm test");
            assertThat(pending.get("filename").asText()).isEqualTo("project.zip");
            assertThat(pending.get("stdout").asText()).isEmpty();
            assertThat(pending.get("stderr").asText()).isEmpty();
            assertThat(pending.get("exitCode").isNull()).isTrue();
            assertThat(pending.get("errorMessage").isNull()).isTrue();
            assertThat(pending.get("createdAt").isIntegralNumber()).isTrue();
            assertThat(pending.get("startedAt").isNull()).isTrue();
            assertThat(pending.get("completedAt").isNull()).isTrue();

            // 5. Get Next Job: `curl http://localhost:3000/api/jobs/get-job` (no identity: first idle worker)
            Http.Response poll = http.get("/api/jobs/get-job");
            assertThat(poll.status()).isEqualTo(200);
            assertThat(poll.json().get("success").asBoolean()).isTrue();
            JsonNode job = poll.json().get("job");
            assertThat(keys(job)).contains("jobId", "command", "fileUrl", "filename");
            assertThat(job.get("jobId").asText()).isEqualTo(jobId);
            assertThat(job.get("command").asText()).isEqualTo("npm install && npm test");
            assertThat(job.get("fileUrl").asText()).isEqualTo("/uploads/project.zip");
            assertThat(job.get("filename").asText()).isEqualTo("project.zip");

            // 6. Status: running, on the worker
            JsonNode running = status(app, jobId, NONE);
            assertThat(keys(running)).isEqualTo(JOB_KEYS);
            assertThat(running.get("status").asText()).isEqualTo("running");
            assertThat(running.get("workerId").asText()).isEqualTo("worker-abc123");
            assertThat(running.get("startedAt").isIntegralNumber()).isTrue();
            assertThat(running.get("completedAt").isNull()).isTrue();
            assertThat(workerStatus(app, "worker-abc123", NONE)).isEqualTo("busy");

            // 7. Submit Job Result (the curl example's body)
            Http.Response submitted = http.post("/api/jobs/submit-result", """
                    {
                      "jobId": "%s",
                      "workerId": "worker-abc123",
                      "stdout": "Test results...",
                      "stderr": "",
                      "exitCode": 0
                    }""".formatted(jobId));
            assertThat(submitted.status()).isEqualTo(200);
            assertThat(keys(submitted.json())).containsExactlyInAnyOrder("success", "jobId", "message");
            assertThat(submitted.json().get("success").asBoolean()).isTrue();
            assertThat(submitted.json().get("jobId").asText()).isEqualTo(jobId);
            assertThat(submitted.json().get("message").asText()).isEqualTo("Job result submitted successfully");

            // Step 4 of the workflow: results
            JsonNode done = status(app, jobId, NONE);
            assertThat(keys(done)).isEqualTo(JOB_KEYS);
            assertThat(done.get("status").asText()).isEqualTo("completed");
            assertThat(done.get("workerId").asText()).isEqualTo("worker-abc123");
            assertThat(done.get("stdout").asText()).isEqualTo("Test results...");
            assertThat(done.get("stderr").asText()).isEmpty();
            assertThat(done.get("exitCode").isInt()).isTrue();
            assertThat(done.get("exitCode").asInt()).isZero();
            assertThat(done.get("errorMessage").isNull()).isTrue();
            assertThat(done.get("completedAt").isIntegralNumber()).isTrue();
            assertThat(done.get("completedAt").asLong()).isGreaterThanOrEqualTo(done.get("startedAt").asLong());
            assertThat(done.get("startedAt").asLong()).isGreaterThanOrEqualTo(done.get("createdAt").asLong());
            assertThat(workerStatus(app, "worker-abc123", NONE)).isEqualTo("idle");

            // 9. List All Jobs
            Http.Response jobs = http.get("/api/jobs/create");
            assertThat(jobs.status()).isEqualTo(200);
            assertThat(jobs.json().get("count").asLong()).isEqualTo(1);
            assertThat(jobs.json().get("jobs")).hasSize(1);
            JsonNode listed = jobs.json().get("jobs").get(0);
            assertThat(keys(listed)).isEqualTo(JOB_KEYS);
            assertThat(listed.get("jobId").asText()).isEqualTo(jobId);
            assertThat(listed.get("status").asText()).isEqualTo("completed");
            assertThat(listed.get("exitCode").asInt()).isZero();
        }
    }

    @DbTest
    void createCurlExampleAndFailureReportFollowTheSpec(TestDatabase db) {
        try (TestApp app = TestApp.start(db, AUTH_NONE)) {
            // The Postman collection's minimal registration
            Http.Response reg = app.http.post("/api/workers/register",
                    "{\"workerId\": \"worker-abc123\", \"hostname\": \"test-pc\"}");
            assertThat(reg.status()).isEqualTo(200);
            JsonNode w = app.http.get("/api/workers/register").json().get("workers").get(0);
            assertThat(keys(w)).isEqualTo(WORKER_KEYS);
            assertThat(w.get("os").isNull()).isTrue();
            assertThat(w.get("cpuCount").isNull()).isTrue();

            // 4. Create Job, the curl example: a newline-separated command
            Http.Response created = app.http.post("/api/jobs/create", """
                    {
                      "command": "npm install\\nnpm test",
                      "fileUrl": "/uploads/project-123456.zip",
                      "filename": "project.zip"
                    }""");
            assertThat(created.status()).isEqualTo(200);
            String jobId = created.json().get("jobId").asText();
            assertThat(jobId).matches(JOB_ID);

            Http.Response poll = app.http.get("/api/jobs/get-job");
            assertThat(poll.status()).isEqualTo(200);
            assertThat(poll.json().get("job").get("command").asText()).isEqualTo("npm install\nnpm test");
            assertThat(poll.json().get("job").get("fileUrl").asText()).isEqualTo("/uploads/project-123456.zip");

            // 8. Report Job Failure, the curl example
            Http.Response failed = app.http.method("PUT", "/api/jobs/submit-result", """
                    {
                      "jobId": "%s",
                      "workerId": "worker-abc123",
                      "errorMessage": "Network timeout"
                    }""".formatted(jobId), "Content-Type", "application/json");
            assertThat(failed.status()).isEqualTo(200);
            assertThat(keys(failed.json())).containsExactlyInAnyOrder("success", "jobId", "message");
            assertThat(failed.json().get("success").asBoolean()).isTrue();
            assertThat(failed.json().get("jobId").asText()).isEqualTo(jobId);
            assertThat(failed.json().get("message").asText()).isEqualTo("Job failure recorded successfully");

            JsonNode status = status(app, jobId, NONE);
            assertThat(status.get("status").asText()).isEqualTo("failed");
            assertThat(status.get("errorMessage").asText()).isEqualTo("Network timeout");
            assertThat(status.get("exitCode").isNull()).isTrue();
            assertThat(status.get("completedAt").isIntegralNumber()).isTrue();
            assertThat(workerStatus(app, "worker-abc123", NONE)).isEqualTo("idle");

            // The "Specific Job" curl with the list's count
            assertThat(app.http.get("/api/jobs/create").json().get("count").asLong()).isEqualTo(1);
        }
    }

    @DbTest
    void getJobAnswers202WhenThereIsNoWorkerOrNoJob(TestDatabase db) throws IOException {
        try (TestApp app = TestApp.start(db, AUTH_NONE)) {
            Http.Response noWorker = app.http.get("/api/jobs/get-job");
            assertThat(noWorker.status()).isEqualTo(202);
            assertThat(noWorker.json())
                    .isEqualTo(MAPPER.readTree("{\"success\":false,\"message\":\"No idle workers available\",\"job\":null}"));

            register(app, "worker-abc123", NONE);
            Http.Response noJob = app.http.get("/api/jobs/get-job?workerId=worker-abc123");
            assertThat(noJob.status()).isEqualTo(202);
            assertThat(noJob.json().get("success").asBoolean()).isFalse();
            assertThat(noJob.json().has("job")).isTrue();
            assertThat(noJob.json().get("job").isNull()).isTrue();
            assertThat(noJob.json().get("message").asText()).isNotBlank();

            // An idle worker but nothing queued, without identity: 202 as well
            Http.Response anonymous = app.http.get("/api/jobs/get-job");
            assertThat(anonymous.status()).isEqualTo(202);
            assertThat(anonymous.json().get("job").isNull()).isTrue();
        }
    }

    // ---------------------------------------------------------------- errors

    @DbTest
    void missingFieldsAre400WithTheSpecTexts(TestDatabase db) {
        try (TestApp app = TestApp.start(db, AUTH_NONE)) {
            assertError(app.http.post("/api/workers/register", "{\"workerId\": \"worker-abc123\"}"), 400,
                    "workerId and hostname are required");
            assertError(app.http.post("/api/workers/register", "{\"hostname\": \"pc-1\"}"), 400,
                    "workerId and hostname are required");
            assertError(app.http.post("/api/jobs/create",
                            "{\"command\": \"npm test\", \"fileUrl\": \"/uploads/project.zip\"}"), 400,
                    "command, fileUrl, and filename are required");
            assertError(app.http.post("/api/jobs/create",
                            "{\"fileUrl\": \"/uploads/project.zip\", \"filename\": \"project.zip\"}"), 400,
                    "command, fileUrl, and filename are required");
            assertError(app.http.post("/api/workers/heartbeat", "{}"), 400, null);

            register(app, "worker-abc123", NONE);
            String jobId = createJob(app, NONE);
            claim(app, "worker-abc123", NONE);
            Http.Response noExit = app.http.post("/api/jobs/submit-result",
                    "{\"jobId\": \"" + jobId + "\", \"workerId\": \"worker-abc123\", \"stdout\": \"x\"}");
            assertError(noExit, 400, null);
            assertThat(noExit.json().get("error").asText()).contains("exitCode");
            assertError(app.http.method("PUT", "/api/jobs/submit-result", "{\"jobId\": \"" + jobId + "\"}",
                    "Content-Type", "application/json"), 400, null);
            // Nothing was recorded by the refused calls
            assertThat(status(app, jobId, NONE).get("status").asText()).isEqualTo("running");
        }
    }

    @DbTest
    void wrongTypesAndMalformedJsonAre400InTheSpecShape(TestDatabase db) {
        try (TestApp app = TestApp.start(db, AUTH_NONE)) {
            Http.Response cpu = app.http.post("/api/workers/register",
                    "{\"workerId\": \"worker-abc123\", \"hostname\": \"pc-1\", \"cpuCount\": \"four\"}");
            assertError(cpu, 400, null);
            assertThat(cpu.json().get("error").asText()).contains("cpuCount");

            Http.Response malformed = app.http.post("/api/workers/register", "{\"workerId\": \"worker-abc123\", ");
            assertError(malformed, 400, null);
            assertError(app.http.post("/api/jobs/create", "not json"), 400, null);
            assertError(app.http.post("/api/jobs/create", "[1, 2]"), 400, null);
            assertError(app.http.post("/api/jobs/create", ""), 400, null);
            assertError(app.http.post("/api/workers/register",
                    "{\"workerId\": \"worker abc/../1\", \"hostname\": \"pc-1\"}"), 400, null);
            assertThat(app.http.get("/api/workers/register").json().get("count").asLong()).isZero();

            register(app, "worker-abc123", NONE);
            String jobId = createJob(app, NONE);
            claim(app, "worker-abc123", NONE);
            Http.Response exit = app.http.post("/api/jobs/submit-result",
                    "{\"jobId\": \"" + jobId + "\", \"workerId\": \"worker-abc123\", \"exitCode\": \"0\"}");
            assertError(exit, 400, null);
            assertThat(exit.json().get("error").asText()).contains("exitCode");
            Http.Response stdout = app.http.post("/api/jobs/submit-result",
                    "{\"jobId\": \"" + jobId + "\", \"workerId\": \"worker-abc123\", \"stdout\": 7, \"exitCode\": 0}");
            assertError(stdout, 400, null);
            assertThat(status(app, jobId, NONE).get("status").asText()).isEqualTo("running");
        }
    }

    @DbTest
    void unknownWorkersAndJobsAre404(TestDatabase db) {
        try (TestApp app = TestApp.start(db, AUTH_NONE)) {
            assertError(app.http.post("/api/workers/heartbeat", "{\"workerId\": \"worker-nobody\"}"), 404,
                    "Worker not found");
            assertError(app.http.get("/api/jobs/status?jobId=job-1705329400000-abc123"), 404, "Job not found");
            assertError(app.http.get("/api/jobs/status"), 400, null);
            assertError(app.http.get("/api/jobs/get-job?workerId=worker-nobody"), 404, "Worker not found");
            assertError(app.http.get("/api/jobs/job-1705329400000-abc123/events"), 404, "Job not found");

            register(app, "worker-abc123", NONE);
            assertError(app.http.post("/api/jobs/submit-result", "{\"jobId\": \"job-1705329400000-abc123\", "
                    + "\"workerId\": \"worker-abc123\", \"exitCode\": 0}"), 404, "Job not found");
            assertError(app.http.method("PUT", "/api/jobs/submit-result", "{\"jobId\": \"job-1705329400000-abc123\", "
                    + "\"workerId\": \"worker-abc123\"}", "Content-Type", "application/json"), 404, "Job not found");
            assertError(app.http.post("/api/jobs/cancel", "{\"jobId\": \"job-1705329400000-abc123\"}"), 404,
                    "Job not found");
            assertError(app.http.get("/api/jobs/check-cancel?jobId=job-1705329400000-abc123"), 404, "Job not found");
        }
    }

    @DbTest
    void aResultForAFinishedJobIs409AndChangesNothing(TestDatabase db) {
        try (TestApp app = TestApp.start(db, AUTH_NONE)) {
            register(app, "worker-abc123", NONE);
            String jobId = createJob(app, NONE);
            claim(app, "worker-abc123", NONE);
            assertThat(submit(app, jobId, "worker-abc123", "first", 0, NONE).status()).isEqualTo(200);
            JsonNode first = status(app, jobId, NONE);

            assertError(submit(app, jobId, "worker-abc123", "second", 1, NONE), 409, null);
            assertError(app.http.method("PUT", "/api/jobs/submit-result", "{\"jobId\": \"" + jobId
                    + "\", \"workerId\": \"worker-abc123\", \"errorMessage\": \"late\"}",
                    "Content-Type", "application/json"), 409, null);

            JsonNode after = status(app, jobId, NONE);
            assertThat(after.get("status").asText()).isEqualTo("completed");
            assertThat(after.get("stdout").asText()).isEqualTo("first");
            assertThat(after.get("exitCode").asInt()).isZero();
            assertThat(after.get("errorMessage").isNull()).isTrue();
            assertThat(after).isEqualTo(first);
        }
    }

    @DbTest
    void aLateResultFromAnEarlierAttemptIs409(TestDatabase db) throws Exception {
        MutableClock clock = new MutableClock();
        try (TestApp app = TestApp.start(db, AUTH_NONE, clock)) {
            register(app, "worker-a", NONE);
            Http.Response created = app.http.post("/api/jobs/create", "{\"command\": \"make\", "
                    + "\"fileUrl\": \"/uploads/project.zip\", \"filename\": \"project.zip\", \"maxAttempts\": 2}");
            assertThat(created.status()).isEqualTo(200);
            String jobId = created.json().get("jobId").asText();
            JsonNode first = claim(app, "worker-a", NONE);
            assertThat(first.get("attempt").asInt()).isEqualTo(1);
            long runningEvent = runningEventId(app, jobId);

            // worker-a goes silent for longer than the offline window: the sweeper requeues its job
            clock.advance(Duration.ofSeconds(31));
            awaitEvent(app, jobId, runningEvent, "worker lost");
            JsonNode requeued = status(app, jobId, NONE);
            assertThat(requeued.get("status").asText()).isEqualTo("pending");

            // It comes back and gets the job again, as attempt 2
            JsonNode second = claim(app, "worker-a", NONE);
            assertThat(second.get("jobId").asText()).isEqualTo(jobId);
            assertThat(second.get("attempt").asInt()).isEqualTo(2);

            Http.Response stale = app.http.post("/api/jobs/submit-result", "{\"jobId\": \"" + jobId
                    + "\", \"workerId\": \"worker-a\", \"stdout\": \"old\", \"exitCode\": 1, \"attempt\": 1}");
            assertError(stale, 409, null);
            assertThat(status(app, jobId, NONE).get("status").asText()).isEqualTo("running");

            Http.Response current = app.http.post("/api/jobs/submit-result", "{\"jobId\": \"" + jobId
                    + "\", \"workerId\": \"worker-a\", \"stdout\": \"new\", \"exitCode\": 0, \"attempt\": 2}");
            assertThat(current.status()).isEqualTo(200);
            JsonNode done = status(app, jobId, NONE);
            assertThat(done.get("status").asText()).isEqualTo("completed");
            assertThat(done.get("stdout").asText()).isEqualTo("new");
            assertThat(done.get("exitCode").asInt()).isZero();
        }
    }

    @DbTest
    void badFileUrlsAndLimitsAre400(TestDatabase db) {
        try (TestApp app = TestApp.start(db, AUTH_NONE)) {
            for (String url : List.of("file:///etc/passwd", "/uploads/../etc/passwd.zip", "uploads/project.zip",
                    "ftp://example.com/p.zip", "/etc/passwd")) {
                Http.Response r = app.http.post("/api/jobs/create", "{\"command\": \"ls\", \"fileUrl\": \"" + url
                        + "\", \"filename\": \"project.zip\"}");
                assertError(r, 400, null);
                assertThat(r.json().get("error").asText()).as(url).contains("fileUrl");
            }
            assertThat(app.http.post("/api/jobs/create", "{\"command\": \"ls\", "
                    + "\"fileUrl\": \"https://example.com/builds/project.zip\", \"filename\": \"project.zip\"}")
                    .status()).isEqualTo(200);

            for (String query : List.of("limit=0", "limit=1001", "limit=-1", "limit=ten")) {
                assertError(app.http.get("/api/jobs/create?" + query), 400, null);
                assertError(app.http.get("/api/workers/register?" + query), 400, null);
            }
            assertError(app.http.get("/api/jobs/create?cursor=not-a-cursor"), 400, null);
            assertThat(app.http.get("/api/jobs/create?limit=1000").status()).isEqualTo(200);
            assertThat(app.http.get("/api/jobs/create?limit=1").status()).isEqualTo(200);
        }
    }

    // ---------------------------------------------------------------- who is polling

    @DbTest
    void theNamedPollerGetsTheJobAndOnlyItMayReport(TestDatabase db) {
        try (TestApp app = TestApp.start(db, AUTH_NONE)) {
            register(app, "worker-a", NONE);
            register(app, "worker-b", NONE);
            String jobId = createJob(app, NONE);

            JsonNode job = claim(app, "worker-b", NONE);
            assertThat(job.get("jobId").asText()).isEqualTo(jobId);
            assertThat(status(app, jobId, NONE).get("workerId").asText()).isEqualTo("worker-b");
            assertThat(workerStatus(app, "worker-b", NONE)).isEqualTo("busy");
            assertThat(workerStatus(app, "worker-a", NONE)).isEqualTo("idle");

            // worker-a finds nothing more to do
            assertThat(app.http.get("/api/jobs/get-job?workerId=worker-a").status()).isEqualTo(202);

            assertError(submit(app, jobId, "worker-a", "not mine", 0, NONE), 403, "Worker is not assigned to this job");
            assertError(app.http.method("PUT", "/api/jobs/submit-result", "{\"jobId\": \"" + jobId
                            + "\", \"workerId\": \"worker-a\", \"errorMessage\": \"nope\"}", "Content-Type", "application/json"),
                    403, "Worker is not assigned to this job");
            assertThat(status(app, jobId, NONE).get("status").asText()).isEqualTo("running");

            assertThat(submit(app, jobId, "worker-b", "mine", 0, NONE).status()).isEqualTo(200);
            JsonNode done = status(app, jobId, NONE);
            assertThat(done.get("status").asText()).isEqualTo("completed");
            assertThat(done.get("workerId").asText()).isEqualTo("worker-b");
            assertThat(done.get("stdout").asText()).isEqualTo("mine");
        }
    }

    @DbTest
    void theXWorkerIdHeaderIdentifiesThePollerToo(TestDatabase db) {
        try (TestApp app = TestApp.start(db, AUTH_NONE)) {
            register(app, "worker-a", NONE);
            register(app, "worker-b", NONE);
            String jobId = createJob(app, NONE);

            Http.Response poll = app.http.get("/api/jobs/get-job", "X-Worker-Id", "worker-b");
            assertThat(poll.status()).isEqualTo(200);
            assertThat(poll.json().get("job").get("jobId").asText()).isEqualTo(jobId);
            assertThat(status(app, jobId, NONE).get("workerId").asText()).isEqualTo("worker-b");

            assertError(app.http.get("/api/jobs/get-job", "X-Worker-Id", "worker-nobody"), 404, "Worker not found");
            assertError(app.http.get("/api/jobs/get-job?workerId=worker-a", "X-Worker-Id", "worker-b"), 400, null);

            // A caller that names itself in the header may not report as another worker
            assertError(app.http.post("/api/jobs/submit-result", "{\"jobId\": \"" + jobId
                            + "\", \"workerId\": \"worker-b\", \"exitCode\": 0}", "X-Worker-Id", "worker-a"),
                    403, "Worker is not assigned to this job");
            assertThat(app.http.post("/api/jobs/submit-result", "{\"jobId\": \"" + jobId
                    + "\", \"workerId\": \"worker-b\", \"exitCode\": 0}", "X-Worker-Id", "worker-b").status())
                    .isEqualTo(200);
        }
    }

    @DbTest
    void concurrentPollersNeverShareAJob(TestDatabase db) throws Exception {
        try (TestApp app = TestApp.start(db, AUTH_NONE)) {
            List<String> jobs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                jobs.add(createJob(app, NONE));
            }
            List<String> workers = List.of("worker-1", "worker-2", "worker-3", "worker-4");
            workers.forEach(w -> register(app, w, NONE));
            List<CompletableFuture<List<String>>> runs = new ArrayList<>();
            for (String w : workers) {
                runs.add(CompletableFuture.supplyAsync(() -> {
                    List<String> done = new ArrayList<>();
                    while (true) {
                        Http.Response poll = app.http.get("/api/jobs/get-job?workerId=" + w);
                        if (poll.status() == 202) {
                            return done;
                        }
                        assertThat(poll.status()).as(poll.body()).isEqualTo(200);
                        String jobId = poll.json().get("job").get("jobId").asText();
                        Http.Response result = submit(app, jobId, w, "ran on " + w, 0, NONE);
                        assertThat(result.status()).as(result.body()).isEqualTo(200);
                        done.add(jobId);
                    }
                }));
            }
            List<String> ran = new ArrayList<>();
            for (CompletableFuture<List<String>> run : runs) {
                ran.addAll(run.get(60, TimeUnit.SECONDS));
            }
            assertThat(ran).containsExactlyInAnyOrderElementsOf(jobs);
            for (String jobId : jobs) {
                JsonNode status = status(app, jobId, NONE);
                assertThat(status.get("status").asText()).isEqualTo("completed");
                assertThat(status.get("stdout").asText()).isEqualTo("ran on " + status.get("workerId").asText());
            }
        }
    }

    // ---------------------------------------------------------------- executor.auth: token

    @DbTest
    void tokenModeRefusesMissingAndWrongTokens(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            for (String[] call : List.of(
                    new String[] {"GET", "/api/workers/register", null},
                    new String[] {"POST", "/api/workers/register", "{\"workerId\": \"w1\", \"hostname\": \"h\"}"},
                    new String[] {"POST", "/api/workers/heartbeat", "{\"workerId\": \"w1\"}"},
                    new String[] {"GET", "/api/jobs/get-job", null},
                    new String[] {"POST", "/api/jobs/create", "{\"command\": \"ls\", \"fileUrl\": \"/uploads/p.zip\", "
                            + "\"filename\": \"p.zip\"}"},
                    new String[] {"GET", "/api/jobs/create", null},
                    new String[] {"GET", "/api/jobs/status?jobId=job-1705329400000-abc123", null},
                    new String[] {"POST", "/api/jobs/submit-result", "{}"},
                    new String[] {"PUT", "/api/jobs/submit-result", "{}"},
                    new String[] {"POST", "/api/jobs/stream-output", "{}"},
                    new String[] {"POST", "/api/jobs/cancel", "{}"},
                    new String[] {"GET", "/api/jobs/check-cancel?jobId=x", null},
                    new String[] {"GET", "/api/jobs/job-1705329400000-abc123/events", null},
                    new String[] {"POST", "/api/execute", ""},
                    new String[] {"GET", "/uploads/" + "0".repeat(64) + ".zip", null})) {
                String what = call[0] + " " + call[1];
                Http.Response missing = app.http.method(call[0], call[1], call[2], "Content-Type", "application/json");
                assertError(missing, 401, null);
                assertThat(missing.json().get("error").asText()).as(what).contains("Authorization");
                Http.Response wrong = app.http.method(call[0], call[1], call[2], "Content-Type", "application/json",
                        "Authorization", "Bearer not-the-token");
                assertError(wrong, 401, null);
            }
            assertThat(app.http.get("/api/workers/register", "Authorization", "Basic " + TestApp.ADMIN_TOKEN).status())
                    .isEqualTo(401);
            assertThat(app.http.get("/api/workers/register", "Authorization", "Bearer").status()).isEqualTo(401);
            // Nothing got through
            assertThat(app.http.get("/api/workers/register", TestApp.admin()).json().get("count").asLong()).isZero();
            assertThat(app.http.get("/api/jobs/create", TestApp.admin()).json().get("count").asLong()).isZero();
        }
    }

    @DbTest
    void theWorkerTokenServesWorkerCallsOnly(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            String[] worker = TestApp.worker();
            String[] admin = TestApp.admin();
            Http.Response createdByWorker = app.http.post("/api/jobs/create",
                    "{\"command\": \"ls\", \"fileUrl\": \"/uploads/project.zip\", \"filename\": \"project.zip\"}",
                    worker);
            assertError(createdByWorker, 403, null);
            assertThat(app.http.get("/api/jobs/create", admin).json().get("count").asLong()).isZero();

            assertThat(register(app, "worker-abc123", worker).status()).isEqualTo(200);
            assertThat(app.http.post("/api/workers/heartbeat", "{\"workerId\": \"worker-abc123\"}", worker).status())
                    .isEqualTo(200);
            String jobId = createJob(app, admin);

            assertError(app.http.get("/api/workers/register", worker), 403, null);
            assertError(app.http.get("/api/jobs/create", worker), 403, null);
            assertError(app.http.get("/api/jobs/status?jobId=" + jobId, worker), 403, null);
            assertError(app.http.get("/api/jobs/" + jobId + "/events", worker), 403, null);
            assertError(app.http.post("/api/jobs/cancel", "{\"jobId\": \"" + jobId + "\"}", worker), 403, null);

            JsonNode job = claim(app, "worker-abc123", worker);
            assertThat(job.get("jobId").asText()).isEqualTo(jobId);
            Http.Response out = app.http.post("/api/jobs/stream-output", "{\"jobId\": \"" + jobId
                    + "\", \"workerId\": \"worker-abc123\", \"data\": \"hi\\n\", \"type\": \"stdout\"}", worker);
            assertThat(out.status()).isEqualTo(200);
            assertThat(app.http.get("/api/jobs/check-cancel?jobId=" + jobId, worker).status()).isEqualTo(200);
            assertThat(submit(app, jobId, "worker-abc123", "ok", 0, worker).status()).isEqualTo(200);
            assertThat(status(app, jobId, admin).get("status").asText()).isEqualTo("completed");
        }
    }

    @DbTest
    void theAdminTokenWorksEverywhere(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            String[] admin = TestApp.admin();
            assertThat(register(app, "worker-abc123", admin).status()).isEqualTo(200);
            assertThat(app.http.post("/api/workers/heartbeat", "{\"workerId\": \"worker-abc123\"}", admin).status())
                    .isEqualTo(200);
            assertThat(app.http.get("/api/workers/register", admin).json().get("count").asLong()).isEqualTo(1);
            String jobId = createJob(app, admin);
            assertThat(claim(app, "worker-abc123", admin).get("jobId").asText()).isEqualTo(jobId);
            assertThat(app.http.post("/api/jobs/stream-output", "{\"jobId\": \"" + jobId
                    + "\", \"workerId\": \"worker-abc123\", \"data\": \"x\", \"type\": \"stderr\"}", admin).status())
                    .isEqualTo(200);
            assertThat(app.http.get("/api/jobs/check-cancel?jobId=" + jobId, admin).status()).isEqualTo(200);
            assertThat(submit(app, jobId, "worker-abc123", "ok", 0, admin).status()).isEqualTo(200);
            assertThat(status(app, jobId, admin).get("status").asText()).isEqualTo("completed");
            assertThat(app.http.get("/api/jobs/create", admin).json().get("count").asLong()).isEqualTo(1);
            assertThat(app.http.get("/api/jobs/" + jobId + "/events", admin).status()).isEqualTo(200);

            String second = createJob(app, admin);
            assertThat(app.http.post("/api/jobs/cancel", "{\"jobId\": \"" + second + "\"}", admin).status())
                    .isEqualTo(200);
            String third = createJob(app, admin);
            claim(app, "worker-abc123", admin);
            assertThat(app.http.method("PUT", "/api/jobs/submit-result", "{\"jobId\": \"" + third
                    + "\", \"workerId\": \"worker-abc123\"}", concat(admin, "Content-Type", "application/json"))
                    .status()).isEqualTo(200);
        }
    }

    // ---------------------------------------------------------------- pagination

    @DbTest
    void theJobListPagesWithCursorsAndCountsEverything(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            String[] admin = TestApp.admin();
            List<String> created = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                created.add(createJob(app, admin));
            }
            Http.Response first = app.http.get("/api/jobs/create?limit=2", admin);
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.json().get("jobs")).hasSize(2);
            assertThat(first.json().get("count").asLong()).isEqualTo(5);
            assertThat(first.json().get("nextCursor").isNull()).isFalse();

            List<String> seen = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                Http.Response page = app.http.get("/api/jobs/create?limit=2"
                        + (cursor == null ? "" : "&cursor=" + cursor), admin);
                assertThat(page.status()).isEqualTo(200);
                assertThat(page.json().get("count").asLong()).isEqualTo(5);
                assertThat(page.json().get("jobs").size()).isBetween(1, 2);
                page.json().get("jobs").forEach(j -> seen.add(j.get("jobId").asText()));
                JsonNode next = page.json().get("nextCursor");
                cursor = next == null || next.isNull() ? null : next.asText();
                pages++;
                assertThat(pages).as("pages").isLessThanOrEqualTo(5);
            } while (cursor != null);
            assertThat(pages).isEqualTo(3);
            assertThat(seen).containsExactlyElementsOf(created);

            // The default page holds everything
            Http.Response all = app.http.get("/api/jobs/create", admin);
            assertThat(all.json().get("jobs")).hasSize(5);
            assertThat(all.json().get("nextCursor").isNull()).isTrue();
        }
    }

    @DbTest
    void theWorkerListPagesWithCursorsAndCountsEverything(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            String[] admin = TestApp.admin();
            for (String id : List.of("worker-3", "worker-1", "worker-2")) {
                register(app, id, admin);
            }
            Set<String> seen = new LinkedHashSet<>();
            List<String> all = new ArrayList<>();
            Http.Response first = app.http.get("/api/workers/register?limit=2", admin);
            assertThat(first.json().get("workers")).hasSize(2);
            assertThat(first.json().get("count").asLong()).isEqualTo(3);
            String cursor = first.json().get("nextCursor").asText();
            assertThat(first.json().get("nextCursor").isNull()).isFalse();
            first.json().get("workers").forEach(w -> all.add(w.get("workerId").asText()));

            Http.Response second = app.http.get("/api/workers/register?limit=2&cursor=" + cursor, admin);
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.json().get("workers")).hasSize(1);
            assertThat(second.json().get("count").asLong()).isEqualTo(3);
            assertThat(second.json().get("nextCursor").isNull()).isTrue();
            second.json().get("workers").forEach(w -> all.add(w.get("workerId").asText()));

            seen.addAll(all);
            assertThat(all).hasSize(3);
            assertThat(seen).containsExactlyInAnyOrder("worker-1", "worker-2", "worker-3");
            second.json().get("workers").forEach(w -> assertThat(keys(w)).isEqualTo(WORKER_KEYS));
        }
    }

    // ---------------------------------------------------------------- stream-output and cancel

    @DbTest
    void streamedOutputShowsInStatusWhileRunning(TestDatabase db) {
        try (TestApp app = TestApp.start(db, AUTH_NONE)) {
            register(app, "worker-abc123", NONE);
            String jobId = createJob(app, NONE);
            claim(app, "worker-abc123", NONE);

            Http.Response out = streamOutput(app, jobId, "compiling...\n", "stdout");
            assertThat(out.status()).isEqualTo(200);
            assertThat(out.json().get("success").asBoolean()).isTrue();
            assertThat(out.json().get("cancelled").asBoolean()).isFalse();
            assertThat(streamOutput(app, jobId, "done\n", "stdout").status()).isEqualTo(200);
            assertThat(streamOutput(app, jobId, "warning\n", "stderr").status()).isEqualTo(200);

            JsonNode running = status(app, jobId, NONE);
            assertThat(running.get("status").asText()).isEqualTo("running");
            assertThat(running.get("stdout").asText()).isEqualTo("compiling...\ndone\n");
            assertThat(running.get("stderr").asText()).isEqualTo("warning\n");

            Http.Response stdin = streamOutput(app, jobId, "typed", "stdin");
            assertError(stdin, 400, null);
            assertThat(stdin.json().get("error").asText()).contains("type");
            assertError(app.http.post("/api/jobs/stream-output", "{\"jobId\": \"" + jobId
                    + "\", \"workerId\": \"worker-abc123\", \"type\": \"stdout\"}"), 400, null);
            assertThat(status(app, jobId, NONE).get("stdout").asText()).isEqualTo("compiling...\ndone\n");

            // The final result carries the whole output and replaces what was streamed
            assertThat(submit(app, jobId, "worker-abc123", "compiling...\ndone\nall good\n", 0, NONE).status())
                    .isEqualTo(200);
            assertThat(status(app, jobId, NONE).get("stdout").asText()).isEqualTo("compiling...\ndone\nall good\n");
            // No more output once it has finished
            assertError(streamOutput(app, jobId, "late\n", "stdout"), 409, null);
        }
    }

    @DbTest
    void cancelStopsARunningJobAndTheWorkerLearnsIt(TestDatabase db) {
        try (TestApp app = TestApp.start(db, AUTH_NONE)) {
            register(app, "worker-abc123", NONE);
            String jobId = createJob(app, NONE);
            claim(app, "worker-abc123", NONE);
            JsonNode check = app.http.get("/api/jobs/check-cancel?jobId=" + jobId).json();
            assertThat(check.get("cancelled").asBoolean()).isFalse();

            Http.Response cancel = app.http.post("/api/jobs/cancel", "{\"jobId\": \"" + jobId + "\"}");
            assertThat(cancel.status()).isEqualTo(200);
            assertThat(cancel.json().get("success").asBoolean()).isTrue();
            assertThat(cancel.json().get("status").asText()).isEqualTo("cancelled");
            assertThat(status(app, jobId, NONE).get("status").asText()).isEqualTo("cancelled");

            Http.Response checked = app.http.get("/api/jobs/check-cancel?jobId=" + jobId);
            assertThat(checked.status()).isEqualTo(200);
            assertThat(checked.json().get("cancelled").asBoolean()).isTrue();
            assertError(app.http.get("/api/jobs/check-cancel"), 400, null);

            Http.Response out = streamOutput(app, jobId, "still going\n", "stdout");
            assertThat(out.status()).isEqualTo(200);
            assertThat(out.json().get("cancelled").asBoolean()).isTrue();

            assertError(submit(app, jobId, "worker-abc123", "finished anyway", 0, NONE), 409, null);
            assertError(app.http.post("/api/jobs/cancel", "{\"jobId\": \"" + jobId + "\"}"), 409, null);
            assertError(app.http.post("/api/jobs/cancel", "{}"), 400, null);
            JsonNode after = status(app, jobId, NONE);
            assertThat(after.get("status").asText()).isEqualTo("cancelled");
            assertThat(after.get("stdout").asText()).isEmpty();
            assertThat(after.get("exitCode").isNull()).isTrue();
            // The worker is free again
            assertThat(workerStatus(app, "worker-abc123", NONE)).isEqualTo("idle");
        }
    }

    @DbTest
    void aPendingJobCanBeCancelledAndIsNeverHandedOut(TestDatabase db) {
        try (TestApp app = TestApp.start(db, AUTH_NONE)) {
            register(app, "worker-abc123", NONE);
            String jobId = createJob(app, NONE);
            assertThat(app.http.post("/api/jobs/cancel", "{\"jobId\": \"" + jobId + "\"}").status()).isEqualTo(200);
            assertThat(app.http.get("/api/jobs/get-job?workerId=worker-abc123").status()).isEqualTo(202);
            assertThat(status(app, jobId, NONE).get("status").asText()).isEqualTo("cancelled");
        }
    }

    // ---------------------------------------------------------------- SSE

    @DbTest
    void theEventStreamReplaysAFinishedJobAndResumesAfterLastEventId(TestDatabase db) {
        try (TestApp app = TestApp.start(db, AUTH_NONE)) {
            register(app, "worker-abc123", NONE);
            String jobId = createJob(app, NONE);
            claim(app, "worker-abc123", NONE);
            assertThat(streamOutput(app, jobId, "hello from the job\n", "stdout").status()).isEqualTo(200);
            assertThat(submit(app, jobId, "worker-abc123", "hello from the job\n", 0, NONE).status()).isEqualTo(200);

            // The job has finished: the stream sends everything and then closes by itself
            Http.Response r = app.http.get("/api/jobs/" + jobId + "/events", "Accept", "text/event-stream");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("text/event-stream");
            List<Frame> frames = frames(r.body());
            assertThat(frames).extracting(Frame::event).containsExactly("status", "status", "output", "status");
            assertThat(r.body()).contains("event: status", "event: output");
            long previous = 0;
            for (Frame f : frames) {
                assertThat(f.id()).isGreaterThan(previous);
                previous = f.id();
                assertThat(f.json().get("jobId").asText()).isEqualTo(jobId);
            }
            assertThat(frames.get(0).json().get("status").asText()).isEqualTo("pending");
            assertThat(frames.get(1).json().get("status").asText()).isEqualTo("running");
            assertThat(frames.get(1).json().get("workerId").asText()).isEqualTo("worker-abc123");
            assertThat(frames.get(2).json().get("type").asText()).isEqualTo("stdout");
            assertThat(frames.get(2).json().get("data").asText()).isEqualTo("hello from the job\n");
            assertThat(frames.get(3).json().get("status").asText()).isEqualTo("completed");
            assertThat(frames.get(3).json().get("exitCode").asInt()).isZero();

            // Resume after the second event
            Http.Response resumed = app.http.get("/api/jobs/" + jobId + "/events", "Accept", "text/event-stream",
                    "Last-Event-ID", Long.toString(frames.get(1).id()));
            assertThat(resumed.status()).isEqualTo(200);
            List<Frame> later = frames(resumed.body());
            assertThat(later).extracting(Frame::id).containsExactly(frames.get(2).id(), frames.get(3).id());
            assertThat(later).extracting(Frame::event).containsExactly("output", "status");

            // Resuming after the last event: nothing left, the stream just ends
            Http.Response nothing = app.http.get("/api/jobs/" + jobId + "/events",
                    "Last-Event-ID", Long.toString(frames.get(3).id()));
            assertThat(nothing.status()).isEqualTo(200);
            assertThat(frames(nothing.body())).isEmpty();

            assertError(app.http.get("/api/jobs/job-1705329400000-nothere/events"), 404, "Job not found");
        }
    }

    @DbTest
    void theEventStreamDeliversOutputLiveWhileTheJobRuns(TestDatabase db) throws Exception {
        try (TestApp app = TestApp.start(db, AUTH_NONE)) {
            register(app, "worker-abc123", NONE);
            String jobId = createJob(app, NONE);
            claim(app, "worker-abc123", NONE);
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<Stream<String>> live = client.send(app.http.request("/api/jobs/" + jobId + "/events")
                    .GET().build(), HttpResponse.BodyHandlers.ofLines());
            assertThat(live.statusCode()).isEqualTo(200);
            CompletableFuture<List<String>> lines = CompletableFuture.supplyAsync(() -> {
                List<String> got = new ArrayList<>();
                try (Stream<String> s = live.body()) {
                    Iterator<String> it = s.iterator();
                    while (it.hasNext()) {
                        got.add(it.next());
                    }
                }
                return got;
            });
            assertThat(streamOutput(app, jobId, "live line\n", "stdout").status()).isEqualTo(200);
            assertThat(submit(app, jobId, "worker-abc123", "live line\n", 0, NONE).status()).isEqualTo(200);
            // The stream closes once the job has finished
            List<String> got = lines.get(15, TimeUnit.SECONDS);
            String body = String.join("\n", got);
            assertThat(body).contains("event: output", "live line", "\"status\":\"completed\"");
        }
    }

    // ---------------------------------------------------------------- POST /api/execute and bundles

    @DbTest
    void executeInDistributedModeQueuesAJobWhoseBundleServesTheExactBytes(TestDatabase db) throws Exception {
        try (TestApp app = TestApp.start(db)) {
            byte[] zip = zip(Map.of("package.json", "{\"name\": \"demo\"}", "src/index.js", "console.log(1)\n"));
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("commands", "npm install\nnpm test");
            fields.put("mode", "distributed");
            Http.Response r = execute(app, fields, "project.zip", zip, TestApp.admin());
            assertThat(r.status()).isEqualTo(200);
            JsonNode body = r.json();
            assertThat(keys(body)).containsExactlyInAnyOrder("success", "jobId", "mode", "message", "checkStatusUrl");
            String jobId = body.get("jobId").asText();
            assertThat(jobId).matches(JOB_ID);
            assertThat(body.get("success").asBoolean()).isTrue();
            assertThat(body.get("mode").asText()).isEqualTo("distributed");
            assertThat(body.get("message").asText()).isEqualTo("Job created. Waiting for idle worker to pick it up.");
            assertThat(body.get("checkStatusUrl").asText()).isEqualTo("/api/jobs/status?jobId=" + jobId);

            JsonNode status = app.http.get(body.get("checkStatusUrl").asText(), TestApp.admin()).json();
            assertThat(status.get("status").asText()).isEqualTo("pending");
            assertThat(status.get("command").asText()).isEqualTo("npm install\nnpm test");
            assertThat(status.get("filename").asText()).isEqualTo("project.zip");

            register(app, "worker-abc123", TestApp.worker());
            JsonNode job = claim(app, "worker-abc123", TestApp.worker());
            assertThat(job.get("jobId").asText()).isEqualTo(jobId);
            String fileUrl = job.get("fileUrl").asText();
            assertThat(fileUrl).matches("/uploads/[0-9a-f]{64}\\.zip");
            assertThat(fileUrl).isEqualTo("/uploads/" + sha256(zip) + ".zip");

            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<byte[]> download = client.send(app.http.request(fileUrl, TestApp.worker()).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(download.body()).isEqualTo(zip);
            HttpResponse<byte[]> byAdmin = client.send(app.http.request(fileUrl, TestApp.admin()).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(byAdmin.body()).isEqualTo(zip);

            assertThat(app.http.get(fileUrl).status()).isEqualTo(401);
            assertError(app.http.get("/uploads/" + "a".repeat(64) + ".zip", TestApp.worker()), 404, null);
            assertThat(app.http.get("/uploads/..%2F..%2Fetc%2Fpasswd", TestApp.worker()).status()).isIn(400, 404);
            // A worker token may not submit work
            assertError(execute(app, fields, "project.zip", zip, TestApp.worker()), 403, null);
        }
    }

    @DbTest
    void executeRefusesNonZipsAndUnknownModesAndDefaultsToDistributed(TestDatabase db) {
        try (TestApp app = TestApp.start(db, AUTH_NONE)) {
            Http.Response notZip = execute(app, Map.of("commands", "ls", "mode", "distributed"), "project.zip",
                    "this is not a zip file".getBytes(StandardCharsets.UTF_8), NONE);
            assertError(notZip, 400, null);
            assertThat(notZip.json().get("error").asText()).containsIgnoringCase("zip");

            assertError(execute(app, Map.of("commands", "ls", "mode", "sideways"), "project.zip",
                    zip(Map.of("a.txt", "a")), NONE), 400, null);
            assertError(execute(app, Map.of("mode", "distributed"), "project.zip", zip(Map.of("a.txt", "a")), NONE),
                    400, null);
            assertError(execute(app, Map.of("commands", "ls", "mode", "distributed"), null, null, NONE), 400, null);
            // A broken multipart body (fresh client: the server may close the connection afterwards)
            assertError(new Http(app.http.base()).method("POST", "/api/execute", "garbage", "Content-Type",
                    "multipart/form-data; boundary=xyz"), 400, null);
            assertThat(app.http.get("/api/jobs/create").json().get("count").asLong()).isZero();

            Http.Response defaulted = execute(app, Map.of("commands", "ls"), "project.zip",
                    zip(Map.of("a.txt", "a")), NONE);
            assertThat(defaulted.status()).isEqualTo(200);
            assertThat(defaulted.json().get("mode").asText()).isEqualTo("distributed");
            String jobId = defaulted.json().get("jobId").asText();
            assertThat(status(app, jobId, NONE).get("status").asText()).isEqualTo("pending");
        }
    }

    @DbTest
    void directModeIsOffByDefault(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Http.Response r = execute(app, Map.of("commands", "cat hello.txt", "mode", "direct"), "project.zip",
                    zip(Map.of("hello.txt", "hello")), TestApp.admin());
            assertError(r, 403, null);
            assertThat(r.json().get("error").asText()).containsIgnoringCase("direct");
            assertThat(app.http.get("/api/jobs/create", TestApp.admin()).json().get("count").asLong()).isZero();
        }
    }

    @DbTest
    void directModeStreamsTheRunWhenEnabled(TestDatabase db) {
        try (TestApp app = TestApp.start(db, Map.of("VECTIS_EXECUTOR_DIRECT_ENABLED", "true"))) {
            Http.Response r = execute(app, Map.of("commands", "cat hello.txt", "mode", "direct"), "project.zip",
                    zip(Map.of("hello.txt", "hello from the bundle\n")), TestApp.admin());
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("text/event-stream");
            assertThat(r.header("X-Exec-Id")).isNotBlank();
            assertThat(r.body()).contains("hello from the bundle", "event: exit");
            Frame exit = frames(r.body()).stream().filter(f -> f.event().equals("exit")).findFirst().orElseThrow();
            assertThat(exit.json().get("exitCode").asInt()).isZero();
            // Direct runs are not jobs
            assertThat(app.http.get("/api/jobs/create", TestApp.admin()).json().get("count").asLong()).isZero();

            Http.Response failing = execute(app, Map.of("commands", "cat missing.txt", "mode", "direct"),
                    "project.zip", zip(Map.of("hello.txt", "hi")), TestApp.admin());
            assertThat(failing.status()).isEqualTo(200);
            Frame failed = frames(failing.body()).stream().filter(f -> f.event().equals("exit")).findFirst()
                    .orElseThrow();
            assertThat(failed.json().get("exitCode").asInt()).isNotZero();
            assertThat(failing.header("X-Exec-Id")).isNotEqualTo(r.header("X-Exec-Id"));
        }
    }

    // ---------------------------------------------------------------- long poll

    @DbTest
    void aLongPollAnswersAsSoonAsAJobArrives(TestDatabase db) throws Exception {
        try (TestApp app = TestApp.start(db, AUTH_NONE)) {
            register(app, "worker-abc123", NONE);
            long start = System.nanoTime();
            CompletableFuture<Http.Response> poll = CompletableFuture.supplyAsync(
                    () -> app.http.get("/api/jobs/get-job?workerId=worker-abc123&wait=5"));
            Thread.sleep(300);
            String jobId = createJob(app, NONE);
            Http.Response r = poll.get(10, TimeUnit.SECONDS);
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().get("job").get("jobId").asText()).isEqualTo(jobId);
            assertThat(tookMillis).isLessThan(4500);
            assertThat(status(app, jobId, NONE).get("workerId").asText()).isEqualTo("worker-abc123");
        }
    }

    @DbTest
    void aLongPollWithoutWorkAnswers202AndWaitIsBounded(TestDatabase db) {
        try (TestApp app = TestApp.start(db, AUTH_NONE)) {
            register(app, "worker-abc123", NONE);
            long start = System.nanoTime();
            Http.Response r = app.http.get("/api/jobs/get-job?workerId=worker-abc123&wait=1");
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(r.status()).isEqualTo(202);
            assertThat(r.json().get("job").isNull()).isTrue();
            assertThat(tookMillis).isGreaterThanOrEqualTo(500);

            for (String wait : List.of("31", "-1", "five", "1.5")) {
                assertError(app.http.get("/api/jobs/get-job?workerId=worker-abc123&wait=" + wait), 400, null);
            }
            assertThat(app.http.get("/api/jobs/get-job?workerId=worker-abc123&wait=0").status()).isEqualTo(202);
        }
    }


    // ================================================================ helpers

    private record Frame(long id, String event, String data) {
        JsonNode json() {
            try {
                return MAPPER.readTree(data);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + data, e);
            }
        }
    }

    /** The SSE frames that carry an event (the retry hint and comments are skipped). */
    private static List<Frame> frames(String body) {
        List<Frame> out = new ArrayList<>();
        for (String block : body.replace("\r\n", "\n").split("\n\n")) {
            long id = -1;
            String event = null;
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith("id:")) {
                    id = Long.parseLong(line.substring(3).trim());
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    if (!data.isEmpty()) {
                        data.append('\n');
                    }
                    data.append(line.substring(5).stripLeading());
                }
            }
            if (event != null) {
                out.add(new Frame(id, event, data.toString()));
            }
        }
        return out;
    }

    /** The id of the job's "running" event, read from its (still open) event stream. */
    private static long runningEventId(TestApp app, String jobId) throws Exception {
        // The job is running, so its stream stays open: read only what is there now.
        HttpResponse<Stream<String>> r = HttpClient.newHttpClient().send(
                app.http.request("/api/jobs/" + jobId + "/events").GET().build(), HttpResponse.BodyHandlers.ofLines());
        CompletableFuture<Long> running = CompletableFuture.supplyAsync(() -> {
            long id = -1;
            try (Stream<String> lines = r.body()) {
                Iterator<String> it = lines.iterator();
                while (it.hasNext()) {
                    String line = it.next();
                    if (line.startsWith("id:")) {
                        id = Long.parseLong(line.substring(3).trim());
                    } else if (line.contains("\"status\":\"running\"")) {
                        return id;
                    }
                }
            }
            return id;
        });
        return running.get(15, TimeUnit.SECONDS);
    }

    /** Waits (through the job's event stream, no sleeping) for an event whose data contains {@code text}. */
    private static void awaitEvent(TestApp app, String jobId, long afterId, String text) throws Exception {
        HttpResponse<Stream<String>> r = HttpClient.newHttpClient().send(
                app.http.request("/api/jobs/" + jobId + "/events", "Last-Event-ID", Long.toString(afterId)).GET()
                        .build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(r.statusCode()).isEqualTo(200);
        CompletableFuture<Boolean> found = CompletableFuture.supplyAsync(() -> {
            try (Stream<String> lines = r.body()) {
                return lines.anyMatch(l -> l.startsWith("data:") && l.contains(text));
            }
        });
        assertThat(found.get(20, TimeUnit.SECONDS)).as("event containing " + text).isTrue();
    }

    private static Set<String> keys(JsonNode node) {
        Set<String> keys = new HashSet<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /** The contract's error shape: exactly error and statusCode; the text checked when given. */
    private static void assertError(Http.Response r, int status, String message) {
        assertThat(r.status()).as("status of %s", r.body()).isEqualTo(status);
        JsonNode body = r.json();
        assertThat(keys(body)).as("error keys of %s", r.body()).containsExactlyInAnyOrder("error", "statusCode");
        assertThat(body.get("statusCode").asInt()).isEqualTo(status);
        assertThat(body.get("error").isTextual()).isTrue();
        assertThat(body.get("error").asText()).isNotBlank();
        if (message != null) {
            assertThat(body.get("error").asText()).isEqualTo(message);
        }
    }

    private static String[] concat(String[] headers, String... more) {
        String[] all = Arrays.copyOf(headers, headers.length + more.length);
        System.arraycopy(more, 0, all, headers.length, more.length);
        return all;
    }

    private static Http.Response register(TestApp app, String workerId, String[] headers) {
        Http.Response r = app.http.post("/api/workers/register", "{\"workerId\": \"" + workerId
                + "\", \"hostname\": \"host-" + workerId + "\", \"os\": \"linux\", \"cpuCount\": 8, "
                + "\"version\": \"1.0.0\"}", headers);
        assertThat(r.status()).as("register %s: %s", workerId, r.body()).isEqualTo(200);
        return r;
    }

    private static String createJob(TestApp app, String[] headers) {
        Http.Response r = app.http.post("/api/jobs/create", "{\"command\": \"npm install && npm test\", "
                + "\"fileUrl\": \"/uploads/project-123456.zip\", \"filename\": \"project.zip\"}", headers);
        assertThat(r.status()).as("create: %s", r.body()).isEqualTo(200);
        return r.json().get("jobId").asText();
    }

    /** Polls as the named worker and returns the job it got (fails if none). */
    private static JsonNode claim(TestApp app, String workerId, String[] headers) {
        Http.Response r = app.http.get("/api/jobs/get-job?workerId=" + workerId, headers);
        assertThat(r.status()).as("get-job: %s", r.body()).isEqualTo(200);
        assertThat(r.json().get("success").asBoolean()).isTrue();
        return r.json().get("job");
    }

    private static JsonNode status(TestApp app, String jobId, String[] headers) {
        Http.Response r = app.http.get("/api/jobs/status?jobId=" + jobId, headers);
        assertThat(r.status()).as("status: %s", r.body()).isEqualTo(200);
        return r.json();
    }

    private static String workerStatus(TestApp app, String workerId, String[] headers) {
        for (JsonNode w : app.http.get("/api/workers/register", headers).json().get("workers")) {
            if (w.get("workerId").asText().equals(workerId)) {
                return w.get("status").asText();
            }
        }
        throw new AssertionError("no worker " + workerId);
    }

    private static Http.Response submit(TestApp app, String jobId, String workerId, String stdout, int exitCode,
                                        String[] headers) {
        try {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("jobId", jobId);
            body.put("workerId", workerId);
            body.put("stdout", stdout);
            body.put("stderr", "");
            body.put("exitCode", exitCode);
            return app.http.post("/api/jobs/submit-result", MAPPER.writeValueAsString(body), headers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Http.Response streamOutput(TestApp app, String jobId, String data, String type) {
        try {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("jobId", jobId);
            body.put("workerId", "worker-abc123");
            body.put("data", data);
            body.put("type", type);
            return app.http.post("/api/jobs/stream-output", MAPPER.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** POST /api/execute as multipart/form-data, built by hand; {@code file} null sends no file part. */
    private static Http.Response execute(TestApp app, Map<String, String> fields, String filename, byte[] file,
                                         String[] headers) {
        String boundary = "----vectis-test-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, String> field : fields.entrySet()) {
            write(body, "--" + boundary + "\r\n"
                    + "Content-Disposition: form-data; name=\"" + field.getKey() + "\"\r\n\r\n"
                    + field.getValue() + "\r\n");
        }
        if (file != null) {
            write(body, "--" + boundary + "\r\n"
                    + "Content-Disposition: form-data; name=\"file\"; filename=\"" + filename + "\"\r\n"
                    + "Content-Type: application/zip\r\n\r\n");
            body.writeBytes(file);
            write(body, "\r\n");
        }
        write(body, "--" + boundary + "--\r\n");
        return app.http.send(app.http.request("/api/execute", headers)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] zip(Map<String, String> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(entries).entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
