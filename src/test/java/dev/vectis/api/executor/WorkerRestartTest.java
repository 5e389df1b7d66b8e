package dev.vectis.api.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;

/** A worker that registers again has restarted: the jobs it was running do not block it. */
class WorkerRestartTest {

    private static final String REGISTER = "{\"workerId\":\"w1\",\"hostname\":\"box\"}";

    private static String create(TestApp app, int maxAttempts) {
        return app.http.post("/api/jobs/create", "{\"command\":\"sleep 100\",\"fileUrl\":\"/uploads/x.zip\","
                + "\"filename\":\"x.zip\",\"maxAttempts\":" + maxAttempts + "}", TestApp.admin()).json()
                .get("jobId").asText();
    }

    @DbTest
    void aRetryableJobIsHandedOutAgainAfterTheRestart(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Http http = app.http;
            http.post("/api/workers/register", REGISTER, TestApp.worker());
            String job = create(app, 2);
            assertThat(http.get("/api/jobs/get-job?workerId=w1", TestApp.worker()).status()).isEqualTo(200);
            assertThat(http.get("/api/jobs/get-job?workerId=w1", TestApp.worker()).json().get("message").asText())
                    .isEqualTo("Worker is busy");

            assertThat(http.post("/api/workers/register", REGISTER, TestApp.worker()).status()).isEqualTo(200);
            // The old process, if it still runs, is told to stop: the job is no longer its own.
            assertThat(http.get("/api/jobs/check-cancel?jobId=" + job + "&workerId=w1", TestApp.worker()).json()
                    .get("cancelled").asBoolean()).isTrue();
            JsonNode again = http.get("/api/jobs/get-job?workerId=w1", TestApp.worker()).json();
            assertThat(again.get("job").get("jobId").asText()).isEqualTo(job);
            assertThat(again.get("job").get("attempt").asInt()).isEqualTo(2);
        }
    }

    @DbTest
    void aJobWithoutAttemptsLeftFailsAsWorkerLost(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Http http = app.http;
            http.post("/api/workers/register", REGISTER, TestApp.worker());
            String job = create(app, 1);
            http.get("/api/jobs/get-job?workerId=w1", TestApp.worker());
            http.post("/api/workers/register", REGISTER, TestApp.worker());
            JsonNode status = http.get("/api/jobs/status?jobId=" + job, TestApp.admin()).json();
            assertThat(status.get("status").asText()).isEqualTo("failed");
            assertThat(status.get("errorMessage").asText()).isEqualTo("worker lost");
            assertThat(http.get("/api/jobs/get-job?workerId=w1", TestApp.worker()).json().get("message").asText())
                    .isEqualTo("No jobs available");
        }
    }
}
