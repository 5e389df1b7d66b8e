package dev.vectis.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.auth.HmacSignature;
import dev.vectis.process.ShellRunner;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobRunnerTest {

    @TempDir
    Path dir;

    private final FakeServer server;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicBoolean cancelInStreamAnswer = new AtomicBoolean();

    JobRunnerTest() throws IOException {
        server = new FakeServer();
        server.on("POST", "/api/jobs/stream-output", r -> FakeServer.Reply.json(200,
                "{\"success\":true,\"cancelled\":" + cancelInStreamAnswer.get() + "}"));
        server.on("GET", "/api/jobs/check-cancel", r -> FakeServer.Reply.json(200,
                "{\"jobId\":\"j\",\"cancelled\":" + cancelled.get() + "}"));
        server.on("POST", "/api/jobs/submit-result", 200, "{\"success\":true}");
        server.on("PUT", "/api/jobs/submit-result", 200, "{\"success\":true}");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void runsTheBundlesCommandsAndReportsOutputAndExitCode() throws Exception {
        serve("/uploads/b.zip", AgentTesting.zip(Map.of("hello.txt", "hello from the bundle\n")));

        run(job("cat hello.txt\r\necho err >&2\nexit 3", "/uploads/b.zip", null));

        JsonNode result = onlyReport("POST");
        assertThat(result.get("jobId").asText()).isEqualTo("job-1");
        assertThat(result.get("workerId").asText()).isEqualTo(AgentTesting.WORKER);
        assertThat(result.get("attempt").asInt()).isEqualTo(2);
        assertThat(result.get("stdout").asText()).isEqualTo("hello from the bundle\n");
        assertThat(result.get("stderr").asText()).isEqualTo("err\n");
        assertThat(result.get("exitCode").asInt()).isEqualTo(3);
        assertThat(streamed("stdout")).isEqualTo("hello from the bundle\n");
        assertThat(streamed("stderr")).isEqualTo("err\n");
        assertThat(server.requests("POST", "/api/jobs/stream-output"))
                .allMatch(r -> r.json().get("attempt").asInt() == 2 && r.json().get("jobId").asText().equals("job-1"));
        FakeServer.Request download = server.requests("GET", "/uploads/b.zip").get(0);
        assertThat(ServerClientTest.verify(download, AgentTesting.SECRET)).isTrue();
        assertThat(workDirs()).isEmpty();
    }

    @Test
    void aZipSlipBundleIsRefusedAndReportedAsAFailure() throws Exception {
        serve("/uploads/slip.zip", AgentTesting.zip(Map.of("ok.txt", "fine", "../../evil.sh", "echo evil")));

        run(job("touch ran", "/uploads/slip.zip", null));

        assertThat(onlyReport("PUT").get("errorMessage").asText()).startsWith("bundle refused:").contains("unsafe path");
        assertThat(dir.resolve("evil.sh")).doesNotExist();
        assertThat(workDirs()).isEmpty();
    }

    @Test
    void aZipBombIsRefusedAndReportedAsAFailure() throws Exception {
        byte[] bomb = AgentTesting.bomb(64 << 20);
        assertThat(bomb.length).isLessThan(1 << 20);
        serve("/uploads/bomb.zip", bomb);

        run(job("true", "/uploads/bomb.zip", null));

        assertThat(onlyReport("PUT").get("errorMessage").asText()).startsWith("bundle refused:")
                .contains("compressed size");
        assertThat(workDirs()).isEmpty();
    }

    @Test
    void aFailedDownloadIsReported() throws Exception {
        run(job("true", "/uploads/missing.zip", null));

        assertThat(onlyReport("PUT").get("errorMessage").asText()).isEqualTo("bundle download failed: HTTP 404 from "
                + "/uploads/missing.zip");
    }

    @Test
    void aThirdPartyBundleIsFetchedWithoutAnyCredential() throws Exception {
        try (FakeServer thirdParty = new FakeServer()) {
            thirdParty.on("GET", "/files/b.zip", r -> FakeServer.Reply.bytes(AgentTesting.zip(Map.of("a", "A"))));

            run(job("cat a", thirdParty.uri() + "/files/b.zip", null));

            FakeServer.Request r = thirdParty.requests().get(0);
            assertThat(r.headers().keySet()).noneMatch(h -> h.startsWith("x-vectis") || h.equals("authorization"));
            assertThat(onlyReport("POST").get("stdout").asText()).isEqualTo("A");
        }
    }

    @Test
    void aCancelSeenThroughCheckCancelStopsTheTreeAndReportsNothing() throws Exception {
        serve("/uploads/b.zip", AgentTesting.zip(Map.of()));
        JobControl control = new JobControl(job("echo $$\nsleep 60", "/uploads/b.zip", null));
        CompletableFuture<Void> done = runAsync(control);
        await().atMost(Duration.ofSeconds(10)).until(() -> !streamed("stdout").isBlank());
        long shell = Long.parseLong(streamed("stdout").trim());
        List<Long> tree = ProcessHandle.of(shell).map(p -> Stream.concat(Stream.of(p), p.descendants())
                .map(ProcessHandle::pid).toList()).orElseThrow();

        cancelled.set(true);

        done.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(control.reason()).isEqualTo(JobControl.Reason.SERVER);
        for (long pid : tree) {
            assertThat(Processes.gone(pid)).as("pid %d", pid).isTrue();
        }
        assertThat(server.requests("POST", "/api/jobs/submit-result")).isEmpty();
        assertThat(server.requests("PUT", "/api/jobs/submit-result")).isEmpty();
        assertThat(workDirs()).isEmpty();
    }

    @Test
    void aCancelInTheStreamOutputAnswerStopsTheRun() throws Exception {
        serve("/uploads/b.zip", AgentTesting.zip(Map.of()));
        cancelInStreamAnswer.set(true);

        run(job("while true; do echo tick; sleep 0.1; done", "/uploads/b.zip", null));

        assertThat(server.requests("POST", "/api/jobs/submit-result")).isEmpty();
        assertThat(server.requests("PUT", "/api/jobs/submit-result")).isEmpty();
    }

    @Test
    void theJobsTimeoutIsEnforced() throws Exception {
        serve("/uploads/b.zip", AgentTesting.zip(Map.of()));

        run(job("sleep 30", "/uploads/b.zip", 1));

        assertThat(onlyReport("PUT").get("errorMessage").asText()).isEqualTo("timed out");
    }

    @Test
    void aJobStoppedByTheAgentIsLeftToTheDepartureToHandBack() throws Exception {
        serve("/uploads/b.zip", AgentTesting.zip(Map.of()));
        JobControl control = new JobControl(job("echo up; sleep 60", "/uploads/b.zip", null));
        CompletableFuture<Void> done = runAsync(control);
        await().atMost(Duration.ofSeconds(10)).until(() -> streamed("stdout").equals("up\n"));

        control.stop(JobControl.Reason.AGENT_STOPPED);

        done.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(server.requests("PUT", "/api/jobs/submit-result")).isEmpty();
        assertThat(server.requests("POST", "/api/jobs/submit-result")).isEmpty();
    }

    @Test
    void aResultIsRetriedThroughServerErrorsButAConflictIsFinal() throws Exception {
        serve("/uploads/b.zip", AgentTesting.zip(Map.of()));
        AtomicInteger calls = new AtomicInteger();
        server.on("POST", "/api/jobs/submit-result", r -> calls.incrementAndGet() < 3
                ? FakeServer.Reply.json(502, "{}") : FakeServer.Reply.json(200, "{\"success\":true}"));

        run(job("echo a", "/uploads/b.zip", null));
        assertThat(calls).hasValue(3);

        server.on("POST", "/api/jobs/submit-result", 409, "{\"error\":\"Job is already cancelled\"}");
        run(job("echo b", "/uploads/b.zip", null));
        assertThat(server.requests("POST", "/api/jobs/submit-result")).hasSize(4);
    }

    @Test
    void outputPastTheCapIsCutWithOneMarker() throws Exception {
        serve("/uploads/b.zip", AgentTesting.zip(Map.of()));

        new JobRunner(AgentTesting.signed(server.uri()), AgentTesting.WORKER, fetcher(),
                new ShellRunner(1000, Duration.ofSeconds(1), List.of()), reports(), workRoot(), tuning())
                .run(new JobControl(job("head -c 5000 /dev/zero | tr '\\0' x", "/uploads/b.zip", null)));

        assertThat(onlyReport("POST").get("stdout").asText())
                .isEqualTo("x".repeat(1000) + "\n[output truncated after 1000 bytes]\n");
    }

    private void serve(String path, byte[] zip) {
        server.on("GET", path, r -> FakeServer.Reply.bytes(zip));
    }

    private static AssignedJob job(String command, String fileUrl, Integer timeoutSeconds) {
        return new AssignedJob("job-1", command, fileUrl, "b.zip", 2, timeoutSeconds);
    }

    private void run(AssignedJob job) throws Exception {
        runner().run(new JobControl(job));
    }

    private CompletableFuture<Void> runAsync(JobControl control) {
        return CompletableFuture.runAsync(() -> {
            try {
                runner().run(control);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private JobRunner runner() throws IOException {
        return new JobRunner(AgentTesting.signed(server.uri()), AgentTesting.WORKER, fetcher(),
                new ShellRunner(1 << 20, Duration.ofSeconds(1), List.of()), reports(), workRoot(), tuning());
    }

    private BundleFetcher fetcher() {
        return new BundleFetcher(AgentTesting.signed(server.uri()), HttpClient.newHttpClient(), 100L << 20);
    }

    private Reports reports() {
        return new Reports(AgentTesting.signed(server.uri()), AgentTesting.WORKER);
    }

    private static JobRunner.Tuning tuning() {
        return new JobRunner.Tuning(Duration.ofSeconds(60), Duration.ofMillis(200), 32 * 1024, Duration.ofMillis(50));
    }

    private Path workRoot() throws IOException {
        return Files.createDirectories(dir.resolve("work"));
    }

    private List<Path> workDirs() throws IOException {
        try (Stream<Path> s = Files.list(workRoot())) {
            return s.toList();
        }
    }

    private JsonNode onlyReport(String method) {
        String other = method.equals("POST") ? "PUT" : "POST";
        assertThat(server.requests(other, "/api/jobs/submit-result")).isEmpty();
        List<FakeServer.Request> reports = server.requests(method, "/api/jobs/submit-result");
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).header(HmacSignature.WORKER_HEADER)).isEqualTo(AgentTesting.WORKER);
        assertThat(ServerClientTest.verify(reports.get(0), AgentTesting.SECRET)).isTrue();
        return reports.get(0).json();
    }

    private String streamed(String type) {
        return server.requests("POST", "/api/jobs/stream-output").stream().map(FakeServer.Request::json)
                .filter(j -> j.get("type").asText().equals(type)).map(j -> j.get("data").asText())
                .collect(Collectors.joining());
    }
}
