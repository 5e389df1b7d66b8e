package dev.vectis.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.auth.HmacSignature;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with real processes: the real server (in this JVM, on H2 and PostgreSQL) and
 * the built jar running {@code vectis agent}: enrolment, a ZIP job's output and exit code,
 * cancelling a running job kills its processes, the signed VM API, a clean SIGTERM.
 */
class AgentIT {

    private static final Path JAR = Path.of(System.getProperty("vectis.jar", "target/vectis.jar"));
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @DbTest
    void theAgentEnrolsRunsAndCancelsJobsServesItsVmApiAndStopsCleanly(TestDatabase db) throws Exception {
        Path config = dir.resolve("etc");
        int vmPort = freePort();
        try (TestApp app = TestApp.start(db)) {
            Process agent = startAgent(app, config, vmPort);
            try {
                String workerId = awaitEnrolled(app, config);
                byte[] bundle = AgentTesting.zip(Map.of("data/message.txt", "hello from the bundle\n"));

                // A ZIP job through /api/execute: its file printed, its exit code kept.
                String first = app.http.send(execute(app, bundle, "cat data/message.txt\necho to-stderr >&2\nexit 3"))
                        .json().get("jobId").asText();
                JsonNode done = awaitStatus(app, first, "completed");
                assertThat(done.get("workerId").asText()).isEqualTo(workerId);
                assertThat(done.get("stdout").asText()).isEqualTo("hello from the bundle\n");
                assertThat(done.get("stderr").asText()).isEqualTo("to-stderr\n");
                assertThat(done.get("exitCode").asInt()).isEqualTo(3);

                // A long job cancelled while it runs: its processes are gone, no result overwrites the cancel.
                String fileUrl = "/uploads/" + sha256(bundle) + ".zip";
                Http.Response created = app.http.post("/api/jobs/create", MAPPER.writeValueAsString(Map.of(
                        "command", "sleep 61; echo never", "fileUrl", fileUrl, "filename", "b.zip")), TestApp.admin());
                assertThat(created.status()).as(created.body()).isEqualTo(200);
                String second = created.json().get("jobId").asText();
                awaitStatus(app, second, "running");
                await().atMost(PATIENCE).until(() -> !processesRunning("sleep 61").isEmpty());

                // The shared token cannot speak for the agent: not re-register it, not report its job.
                long startedAt = status(app, second).get("startedAt").asLong();
                assertThat(app.http.post("/api/workers/register", "{\"workerId\":\"" + workerId
                        + "\",\"hostname\":\"impostor\"}", TestApp.worker()).status()).isEqualTo(403);
                assertThat(app.http.post("/api/jobs/submit-result", "{\"jobId\":\"" + second + "\",\"workerId\":\""
                        + workerId + "\",\"stdout\":\"forged\",\"exitCode\":0}", TestApp.worker()).status()).isEqualTo(403);
                JsonNode stillRunning = status(app, second);
                assertThat(stillRunning.get("status").asText()).isEqualTo("running");
                assertThat(stillRunning.get("workerId").asText()).isEqualTo(workerId);
                assertThat(stillRunning.get("startedAt").asLong()).isEqualTo(startedAt);
                assertThat(processesRunning("sleep 61")).isNotEmpty();

                assertThat(app.http.post("/api/jobs/cancel", "{\"jobId\":\"" + second + "\"}", TestApp.admin())
                        .status()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                        .until(() -> processesRunning("sleep 61").isEmpty());
                Thread.sleep(1000);
                JsonNode cancelled = status(app, second);
                assertThat(cancelled.get("status").asText()).isEqualTo("cancelled");
                assertThat(cancelled.get("stdout").asText()).doesNotContain("never");

                // The VM API: signed calls create, log and stop a simulated VM; unsigned ones are refused.
                String secret = Files.readString(config.resolve("worker.secret")).strip();
                Http vm = new Http("http://127.0.0.1:" + vmPort);
                Http.Response vmCreated = signed(vm, "POST", "/vm-loso", "{\"action\":3}", workerId, secret);
                assertThat(vmCreated.status()).as(vmCreated.body()).isEqualTo(200);
                String logUrl = vmCreated.json().get("logUrl").asText();
                assertThat(logUrl).matches("/log/quack_[a-z0-9]+");
                await().atMost(Duration.ofSeconds(15)).until(() ->
                        signed(vm, "GET", logUrl, null, workerId, secret).body().contains("Status: ready"));
                assertThat(signed(vm, "GET", logUrl, null, workerId, secret).body())
                        .contains("RDP host: 127.0.0.1", "Username: vectis", "Password: ");
                String route = logUrl.substring("/log/".length());
                Http.Response stopped = signed(vm, "POST", "/stop/" + route, "", workerId, secret);
                assertThat(stopped.status()).isEqualTo(200);
                assertThat(stopped.json().get("success").asBoolean()).isTrue();
                assertThat(stopped.json().get("tokenReset").asText()).isNotBlank();
                assertThat(vm.post("/vm-loso", "{\"action\":3}").status()).isEqualTo(401);
                assertThat(vm.get(logUrl).status()).isEqualTo(401);
                // The secret is generated: change its first character for certain, whatever it is.
                String wrong = (secret.charAt(0) == 'b' ? "c" : "b") + secret.substring(1);
                assertThat(signed(vm, "GET", logUrl, null, workerId, wrong).status()).isEqualTo(401);

                // SIGTERM: the server sees a departure (not a crash) at once, and the idle agent exits.
                agent.destroy();
                await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).until(() ->
                        departures(app, workerId) == 1 && !online(app, workerId));
                assertThat(agent.waitFor(10, TimeUnit.SECONDS)).as("idle agent exits promptly; log:\n%s", log())
                        .isTrue();
            } finally {
                agent.destroy(); // SIGTERM
                boolean exited = agent.waitFor(30, TimeUnit.SECONDS);
                if (!exited) {
                    agent.destroyForcibly();
                }
                assertThat(exited).as("agent stopped within 30 s; log:\n%s", log()).isTrue();
            }
            assertThat(agent.exitValue()).as(log()).isZero();
            String log = log();
            assertThat(log).contains("Agent stopped").contains("Job ");
            assertThat(log).doesNotContain(TestApp.WORKER_TOKEN)
                    .doesNotContain(Files.readString(config.resolve("worker.secret")).strip());
        }
    }

    private static long departures(TestApp app, String workerId) {
        return app.app().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM events WHERE type = 'worker.left' AND worker_id = :w").bind("w", workerId)
                .mapTo(Long.class).one());
    }

    private static boolean online(TestApp app, String workerId) {
        return app.app().database().jdbi().withHandle(h -> h.createQuery("SELECT online FROM workers WHERE id = :w")
                .bind("w", workerId).mapTo(Boolean.class).one());
    }

    private Process startAgent(TestApp app, Path config, int vmPort) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-jar", JAR.toString(), "agent",
                "--server", app.http.base(), "--token", TestApp.WORKER_TOKEN, "--config-dir", config.toString(),
                "--ip", "127.0.0.1", "--vm-port", Integer.toString(vmPort), "--heartbeat-seconds", "1",
                "--grace-seconds", "2"));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("VECTIS_") || k.startsWith("PROVIDER_REGISTRY_"));
        return pb.start();
    }

    private String awaitEnrolled(TestApp app, Path config) {
        await().atMost(PATIENCE).until(() -> Files.exists(config.resolve("worker.conf")));
        String id = WorkerConf.parse(read(config.resolve("worker.conf")), "worker.conf").workerId();
        assertThat(id).startsWith("wrk_");
        await().atMost(PATIENCE).until(() -> {
            JsonNode workers = app.http.get("/api/workers/register", TestApp.admin()).json().get("workers");
            for (JsonNode w : workers) {
                if (w.get("workerId").asText().equals(id) && !w.get("status").asText().equals("offline")) {
                    return true;
                }
            }
            return false;
        });
        return id;
    }

    private static JsonNode awaitStatus(TestApp app, String jobId, String wanted) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200))
                .until(() -> status(app, jobId).get("status").asText().equals(wanted));
        return status(app, jobId);
    }

    private static JsonNode status(TestApp app, String jobId) {
        return app.http.get("/api/jobs/status?jobId=" + jobId, TestApp.admin()).json();
    }

    /** A call signed the way Vectis signs its calls to a worker's VM API. */
    private static Http.Response signed(Http vm, String method, String target, String body, String worker,
                                        String secret) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        String ts = Long.toString(Instant.now().getEpochSecond());
        URI uri = URI.create(vm.base() + target);
        String signature = HmacSignature.sign(HmacSignature.key(secret), method, WorkerKey.pathAndQuery(uri), ts, bytes);
        return vm.send(vm.request(target, HmacSignature.WORKER_HEADER, worker, HmacSignature.TIMESTAMP_HEADER, ts,
                        HmacSignature.SIGNATURE_HEADER, signature)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(bytes)));
    }

    private static HttpRequest.Builder execute(TestApp app, byte[] zip, String commands) {
        String boundary = "----vectis-agent-it-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"commands\"\r\n\r\n" + commands + "\r\n");
        write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"mode\"\r\n\r\ndistributed\r\n");
        write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.zip\"\r\n"
                + "Content-Type: application/zip\r\n\r\n");
        body.writeBytes(zip);
        write(body, "\r\n--" + boundary + "--\r\n");
        return app.http.request("/api/execute", TestApp.admin())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
    }

    /** PIDs of live processes whose command line contains {@code text}. */
    private static List<Long> processesRunning(String text) throws IOException {
        List<Long> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ');
                    String stat = Files.readString(p.resolve("stat"));
                    boolean zombie = stat.substring(stat.lastIndexOf(')') + 1).trim().startsWith("Z");
                    if (cmdline.contains(text) && !zombie) {
                        found.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // the process ended while we looked
                }
            }
        }
        return found;
    }

    private String log() {
        return read(dir.resolve("agent.log"));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
