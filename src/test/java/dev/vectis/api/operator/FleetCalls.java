package dev.vectis.api.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.auth.HmacSignature;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import java.util.ArrayList;
import java.util.List;

/** Calls to the fleet view and to the contracts whose workers it shows. */
final class FleetCalls {

    private FleetCalls() {
    }

    /** The list's data, which must answer 200. */
    static JsonNode list(TestApp app, String query) {
        Http.Response r = app.http.get("/api/v1/fleet/workers" + query, TestApp.admin());
        assertThat(r.status()).as("GET %s: %s", query, r.body()).isEqualTo(200);
        assertThat(r.json().get("success").asBoolean()).isTrue();
        return r.json().get("data");
    }

    static JsonNode worker(TestApp app, String id) {
        Http.Response r = app.http.get("/api/v1/fleet/workers/" + id, TestApp.admin());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("data");
    }

    static JsonNode act(TestApp app, String id, String action) {
        Http.Response r = app.http.method("POST", "/api/v1/fleet/workers/" + id + "/" + action, null, TestApp.admin());
        assertThat(r.status()).as("%s %s: %s", action, id, r.body()).isEqualTo(200);
        return r.json().get("data");
    }

    /** The worker's event types, oldest first. */
    static List<String> eventTypes(TestApp app, String id) {
        Http.Response r = app.http.get("/api/v1/fleet/workers/" + id + "/events", TestApp.admin());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> types = new ArrayList<>();
        r.json().get("data").get("events").forEach(e -> types.add(0, e.get("type").asText()));
        return types;
    }

    static List<String> ids(JsonNode workers) {
        List<String> ids = new ArrayList<>();
        workers.forEach(w -> ids.add(w.get("id").asText()));
        return ids;
    }

    static void registerExecutor(TestApp app, String id, int maxJobs) {
        Http.Response r = app.http.post("/api/workers/register", """
                {"workerId": "%s", "hostname": "%s.local", "os": "linux", "cpuCount": 2, "version": "1.0",
                 "maxJobs": %d}""".formatted(id, id, maxJobs), TestApp.worker());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    /** Registers an enrolled worker through the executor contract, signing as its agent does. */
    static void registerSigned(TestApp app, String id, String secret) {
        String body = """
                {"workerId": "%s", "hostname": "agent-box", "os": "linux", "cpuCount": 2, "version": "1.0"}"""
                .formatted(id);
        String ts = Long.toString(java.time.Instant.now().getEpochSecond());
        String signature = HmacSignature.sign(HmacSignature.key(secret), "POST", "/api/workers/register", ts,
                body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Http.Response r = app.http.post("/api/workers/register", body, HmacSignature.WORKER_HEADER, id,
                HmacSignature.TIMESTAMP_HEADER, ts, HmacSignature.SIGNATURE_HEADER, signature);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    static String createJob(TestApp app) {
        Http.Response r = app.http.post("/api/jobs/create", """
                {"command": "echo hi", "fileUrl": "/uploads/x.zip", "filename": "x.zip"}""", TestApp.admin());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("jobId").asText();
    }

    /** The job the worker was given, or null when the poll answered that there is none for it. */
    static String poll(TestApp app, String workerId) {
        Http.Response r = app.http.get("/api/jobs/get-job?workerId=" + workerId, TestApp.worker());
        if (r.status() == 202) {
            assertThat(r.json().get("message").asText()).isEqualTo("No jobs available");
            return null;
        }
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("job").get("jobId").asText();
    }

    static void complete(TestApp app, String workerId, String jobId) {
        Http.Response r = app.http.post("/api/jobs/submit-result", """
                {"jobId": "%s", "workerId": "%s", "stdout": "hi", "stderr": "", "exitCode": 0}"""
                .formatted(jobId, workerId), TestApp.worker());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    static String jobStatus(TestApp app, String jobId) {
        return app.http.get("/api/jobs/status?jobId=" + jobId, TestApp.admin()).json().get("status").asText();
    }
}
