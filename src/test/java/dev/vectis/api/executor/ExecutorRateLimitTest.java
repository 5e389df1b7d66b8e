package dev.vectis.api.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.Map;

/**
 * command-executor.md at its own pace with the rate limiter on and executor.auth none: a
 * hundred agents behind one NAT address (get-job every 5 s, heartbeat every 10 s) and a
 * submitter polling a job's status every 500 ms, for several minutes of the server's clock.
 */
class ExecutorRateLimitTest {

    private static final int AGENTS = 100;
    private static final Duration STEP = Duration.ofMillis(500);
    private static final int STEPS = 3 * 120;

    @DbTest
    void aHundredAgentsAndASubmitterBehindOneAddressAreNeverRefused(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (TestApp app = TestApp.start(db, Map.of("VECTIS_EXECUTOR_AUTH", "none",
                "VECTIS_RATE_LIMIT_ENABLED", "true"), clock)) {
            Http http = app.http;
            for (int i = 0; i < AGENTS; i++) {
                expect(http.post("/api/workers/register", "{\"workerId\": \"agent-" + i + "\", \"hostname\": \"pc-" + i
                        + "\", \"os\": \"linux\", \"cpuCount\": 2, \"version\": \"1.0.0\"}"), 200);
            }
            String jobId = null;
            for (int step = 0; step < STEPS; step++) {
                if (step % 40 == 0) {
                    jobId = expect(http.post("/api/jobs/create", "{\"command\": \"npm test\", "
                            + "\"fileUrl\": \"/uploads/project.zip\", \"filename\": \"project.zip\"}"), 200)
                            .json().get("jobId").asText();
                }
                assertThat(expect(http.get("/api/jobs/status?jobId=" + jobId), 200).header("RateLimit-Policy"))
                        .isEqualTo("\"executor_submitter\";q=600;w=60");
                for (int i = 0; i < AGENTS; i++) {
                    if (step % 20 == i % 20) {
                        assertThat(expect(http.post("/api/workers/heartbeat", "{\"workerId\": \"agent-" + i + "\"}"),
                                200).header("RateLimit-Policy")).isEqualTo("\"executor_worker\";q=3000;w=60");
                    }
                    if (step % 10 == i % 10) {
                        poll(http, "agent-" + i);
                    }
                }
                clock.advance(STEP);
            }

            long offline = app.app().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT COUNT(*) FROM events WHERE type = 'worker.offline'").mapTo(Long.class).one());
            assertThat(offline).isZero();
            JsonNode workers = expect(http.get("/api/workers/register?limit=1000"), 200).json().get("workers");
            assertThat(workers).hasSize(AGENTS);
            workers.forEach(w -> assertThat(w.get("status").asText()).as(w.toString()).isNotEqualTo("offline"));
        }
    }

    /** The spec's agent: asks for work without naming itself, and reports what it ran. */
    private static void poll(Http http, String workerId) {
        Http.Response r = http.get("/api/jobs/get-job");
        assertThat(r.status()).as(r.body()).isIn(200, 202);
        if (r.status() == 200) {
            String jobId = r.json().get("job").get("jobId").asText();
            Http.Response result = http.post("/api/jobs/submit-result", "{\"jobId\": \"" + jobId + "\", \"workerId\": \""
                    + workerId + "\", \"stdout\": \"ok\", \"stderr\": \"\", \"exitCode\": 0}");
            assertThat(result.status()).as(result.body()).isNotEqualTo(429);
        }
    }

    private static Http.Response expect(Http.Response r, int status) {
        assertThat(r.status()).as("%s (RateLimit-Policy %s)", r.body(), r.header("RateLimit-Policy")).isEqualTo(status);
        return r;
    }
}
