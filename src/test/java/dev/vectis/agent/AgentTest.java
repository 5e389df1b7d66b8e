package dev.vectis.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole agent in this JVM against a scripted server: enrol, register, take jobs, stop cleanly. */
class AgentTest {

    @TempDir
    Path dir;

    private final FakeServer server;
    private final Queue<String> jobs = new ConcurrentLinkedQueue<>();

    AgentTest() throws IOException {
        server = new FakeServer();
        server.on("POST", "/api/v1/workers", 201, "{\"id\":\"wrk_fake1\",\"subdomain\":\"worker-f.vectis.dev\","
                + "\"ip\":\"127.0.0.1\"}");
        server.on("POST", "/api/workers/register", 200, "{\"success\":true}");
        server.on("POST", "/api/workers/heartbeat", 200, "{\"success\":true,\"heartbeatIntervalSeconds\":1}");
        server.on("GET", "/api/jobs/get-job", r -> {
            String job = jobs.poll();
            return job == null ? FakeServer.Reply.json(202, "{\"success\":false,\"job\":null}")
                    : FakeServer.Reply.json(200, "{\"success\":true,\"job\":" + job + "}");
        });
        server.on("GET", "/uploads/b.zip", r -> FakeServer.Reply.bytes(AgentTesting.zip(Map.of("f.txt", "from zip"))));
        server.on("POST", "/api/jobs/stream-output", 200, "{\"success\":true,\"cancelled\":false}");
        server.on("GET", "/api/jobs/check-cancel", 200, "{\"cancelled\":false}");
        server.on("POST", "/api/jobs/submit-result", 200, "{\"success\":true}");
        server.on("PUT", "/api/jobs/submit-result", 200, "{\"success\":true}");
        server.on("POST", "/api/workers/leave", 200, "{\"success\":true,\"handedBack\":[]}");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void enrolsRegistersRunsJobsAndHandsBackTheUnfinishedOnesWhenStopped() throws Exception {
        jobs.add("{\"jobId\":\"job-1\",\"command\":\"cat f.txt\",\"fileUrl\":\"/uploads/b.zip\",\"filename\":\"b.zip\","
                + "\"attempt\":1,\"timeoutSeconds\":60}");
        jobs.add("{\"jobId\":\"job-2\",\"command\":\"echo started; sleep 60\",\"fileUrl\":\"/uploads/b.zip\","
                + "\"filename\":\"b.zip\",\"attempt\":1,\"timeoutSeconds\":60}");

        Agent agent = Agent.start(settings(), Clock.systemUTC(), () -> true);
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> !server.requests("POST", "/api/jobs/submit-result").isEmpty()
                    && streamed("job-2").contains("started"));
        } finally {
            long started = System.nanoTime();
            agent.close();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        }

        JsonNode enrol = server.requests("POST", "/api/v1/workers").get(0).json();
        assertThat(enrol.get("ip").asText()).isEqualTo("127.0.0.1");
        assertThat(Files.readString(dir.resolve("worker.conf"))).startsWith("WORKER_ID=wrk_fake1\n");
        JsonNode register = server.requests("POST", "/api/workers/register").get(0).json();
        assertThat(register.get("workerId").asText()).isEqualTo("wrk_fake1");
        assertThat(register.get("os").asText()).isEqualTo(System.getProperty("os.name").toLowerCase());
        assertThat(register.get("maxJobs").asInt()).isEqualTo(2);
        assertThat(register.get("cpuCount").asInt()).isPositive();
        assertThat(register.get("hostname").asText()).isNotBlank();
        assertThat(server.requests("GET", "/api/jobs/get-job").get(0).target())
                .isEqualTo("/api/jobs/get-job?workerId=wrk_fake1&wait=30");
        assertThat(server.requests()).filteredOn(r -> !r.path().equals("/api/v1/workers"))
                .allMatch(r -> "wrk_fake1".equals(r.header("X-Vectis-Worker")) && r.header("Authorization") == null);
        assertThat(server.requests("POST", "/api/jobs/submit-result").get(0).json().get("stdout").asText())
                .isEqualTo("from zip");

        // Leaving at once, naming the job still running; leaving again once it was stopped hands it back.
        List<FakeServer.Request> leaves = server.requests("POST", "/api/workers/leave");
        assertThat(leaves).hasSize(2);
        assertThat(leaves.get(0).json().get("workerId").asText()).isEqualTo("wrk_fake1");
        assertThat(leaves.get(0).json().get("stillRunning")).extracting(JsonNode::asText).containsExactly("job-2");
        assertThat(leaves.get(1).json().get("stillRunning")).isEmpty();
        assertThat(server.requests("PUT", "/api/jobs/submit-result")).as("handed back, not reported failed").isEmpty();
        assertThat(indexOf("POST", "/api/workers/leave")).as("no heartbeat after the departure")
                .isGreaterThan(lastIndexOf("POST", "/api/workers/heartbeat"));
        try (var left = Files.list(dir.resolve("work"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aServerThatCannotTakeTheDepartureGetsTheStoppedJobsReportedFailed() throws Exception {
        server.on("POST", "/api/workers/leave", 404, "{\"error\":\"Not found\",\"statusCode\":404}");
        jobs.add("{\"jobId\":\"job-3\",\"command\":\"echo started; sleep 60\",\"fileUrl\":\"/uploads/b.zip\","
                + "\"filename\":\"b.zip\",\"attempt\":1,\"timeoutSeconds\":60}");
        Agent agent = Agent.start(settings(), Clock.systemUTC(), () -> true);
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> streamed("job-3").contains("started"));
        } finally {
            agent.close();
        }

        JsonNode stopped = server.requests("PUT", "/api/jobs/submit-result").get(0).json();
        assertThat(stopped.get("jobId").asText()).isEqualTo("job-3");
        assertThat(stopped.get("errorMessage").asText()).isEqualTo("agent stopped");
    }

    @Test
    void stoppingAbandonsTheLongPollAtOnceAndTellsTheServerNothingRuns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger polls = new AtomicInteger();
        server.on("GET", "/api/jobs/get-job", r -> {
            polls.incrementAndGet();
            release.await(); // a long poll that is still open when the agent is told to stop
            return FakeServer.Reply.json(202, "{\"success\":false,\"job\":null}");
        });
        try {
            Agent agent = Agent.start(settings(), Clock.systemUTC(), () -> true);
            await().atMost(Duration.ofSeconds(10)).until(() -> polls.get() == 1);

            CompletableFuture<Void> closing = CompletableFuture.runAsync(agent::close);
            // Well before the poll would end by itself (it never does here).
            closing.get(10, TimeUnit.SECONDS);

            List<FakeServer.Request> leaves = server.requests("POST", "/api/workers/leave");
            assertThat(leaves).hasSize(1);
            assertThat(leaves.get(0).json().get("stillRunning")).isEmpty();
            assertThat(polls).hasValue(1);
        } finally {
            release.countDown();
        }
    }

    @Test
    void aSecondStartReusesWorkerConf() throws Exception {
        Agent.start(settings(), Clock.systemUTC(), () -> true).close();
        Agent.start(settings(), Clock.systemUTC(), () -> true).close();

        assertThat(server.requests("POST", "/api/v1/workers")).hasSize(1);
        assertThat(server.requests("POST", "/api/workers/register")).hasSize(2);
    }

    @Test
    void theConfiguredLabelsGoWithEveryRegistration() throws Exception {
        AgentSettings plain = settings();
        AgentSettings labelled = new AgentSettings(plain.server(), plain.token(), plain.configDir(), plain.stateDir(), plain.ip(),
                plain.ipDetectUrl(), plain.vmPort(), plain.maxJobs(), plain.provisioners(), plain.heartbeatInterval(),
                plain.grace(), dev.vectis.workers.Labels.fromText("gpu=true", "--label"));
        Agent.start(labelled, Clock.systemUTC(), () -> true).close();

        JsonNode registered = server.requests("POST", "/api/workers/register").get(0).json();
        assertThat(registered.get("labels").toString()).isEqualTo("{\"gpu\":\"true\"}");
    }

    private AgentSettings settings() throws IOException {
        return new AgentSettings(server.uri(), Optional.of("tok"), dir, dir, Optional.of("127.0.0.1"), Optional.empty(),
                freePort(), 2, Optional.empty(), Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    private int indexOf(String method, String path) {
        List<FakeServer.Request> all = server.requests();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).method().equals(method) && all.get(i).path().equals(path)) {
                return i;
            }
        }
        return -1;
    }

    private int lastIndexOf(String method, String path) {
        List<FakeServer.Request> all = server.requests();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).method().equals(method) && all.get(i).path().equals(path)) {
                return i;
            }
        }
        return -1;
    }

    private String streamed(String jobId) {
        return server.requests("POST", "/api/jobs/stream-output").stream().map(FakeServer.Request::json)
                .filter(j -> j.get("jobId").asText().equals(jobId)).map(j -> j.get("data").asText())
                .collect(Collectors.joining());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
