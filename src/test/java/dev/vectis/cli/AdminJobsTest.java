package dev.vectis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** `vectis admin jobs …` against a live server, with the test playing the worker over the executor contract. */
class AdminJobsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String SCRIPT = "echo \"working in $(pwd)\"\nfor f in data/*; do wc -c \"$f\"; done\n"
            + "test -f data/input.txt && echo 'input: found; \"quotes\" kept'\n";

    @DbTest
    void aJobIsSubmittedListedReadAndCancelled(TestDatabase db) throws IOException {
        try (TestApp app = TestApp.start(db)) {
            Path dir = Files.createTempDirectory("cli-jobs");
            Path script = Files.writeString(dir.resolve("job.sh"), SCRIPT);
            Path bundle = bundle(dir);
            Cli cli = Cli.against(app);

            Cli.Result submitted = cli.admin("jobs", "submit", "--command-file", script.toString(), "--bundle",
                    bundle.toString());
            assertThat(submitted.exit()).as(submitted.toString()).isZero();
            String jobId = submitted.out().strip();
            assertThat(jobId).as("stdout holds the job id alone").startsWith("job-").doesNotContain("\n");
            JsonNode status = app.http.get("/api/jobs/status?jobId=" + jobId, TestApp.admin()).json();
            assertThat(status.get("command").asText()).as("the script arrives byte for byte").isEqualTo(SCRIPT);
            assertThat(status.get("filename").asText()).isEqualTo("bundle.zip");

            Cli.Result list = cli.admin("jobs", "list");
            assertThat(list.exit()).as(list.toString()).isZero();
            assertThat(list.header()).containsExactly("ID", "STATUS", "WORKER", "CREATED", "FINISHED", "EXIT", "LABELS",
                    "COMMAND");
            assertThat(list.rows()).hasSize(1);
            assertThat(list.rows().get(0)[0]).isEqualTo(jobId);
            assertThat(list.rows().get(0)[1]).isEqualTo("pending");
            assertThat(list.rows().get(0)[7]).as("one line however many the script has")
                    .startsWith("echo \"working in $(pwd)\"⏎for f");
            assertThat(cli.admin("jobs", "list", "--json").json().get("jobs").get(0).get("jobId").asText())
                    .isEqualTo(jobId);

            Worker w = new Worker(app, "cli-worker-1");
            assertThat(w.claim()).isEqualTo(jobId);
            w.output(jobId, "stdout", "hello\n");
            w.output(jobId, "stderr", "careful\n");
            Cli.Result running = cli.admin("jobs", "logs", jobId);
            assertThat(running.exit()).as(running.toString()).isZero();
            assertThat(running.out()).isEqualTo("hello\n");
            assertThat(running.err()).startsWith("careful\n").contains("running; -f follows it");

            w.result(jobId, "hello\nbye\n", 0);
            Cli.Result done = cli.admin("jobs", "logs", jobId);
            assertThat(done.out()).isEqualTo("hello\nbye\n");
            assertThat(cli.admin("jobs", "logs", jobId, "--json").json().get("exitCode").asInt()).isZero();

            Cli.Result late = cli.admin("jobs", "cancel", jobId);
            assertThat(late.exit()).as("a finished job cannot be cancelled: 409 is exit 1: %s", late).isEqualTo(1);
            assertThat(late.err()).contains("POST /api/jobs/cancel: HTTP 409");

            String second = cli.admin("jobs", "submit", "--command", "sleep 600", "--bundle", bundle.toString(),
                    "--labels", "os=linux").out().strip();
            assertThat(app.http.get("/api/jobs/status?jobId=" + second, TestApp.admin()).json().get("labels"))
                    .as("the job requires the labels given").isEqualTo(MAPPER.readTree("{\"os\": \"linux\"}"));
            assertThat(cli.admin("jobs", "list").rows().get(1)[6]).isEqualTo("os=linux");
            Cli.Result badLabel = cli.admin("jobs", "submit", "--command", "ls", "--bundle", bundle.toString(),
                    "--labels", "os=li nux");
            assertThat(badLabel.exit()).as(badLabel.toString()).isEqualTo(2);
            Cli.Result refusedLabel = cli.admin("jobs", "submit", "--command", "ls", "--bundle", bundle.toString(),
                    "--labels", "os=linux!");
            assertThat(refusedLabel.exit()).as("the server's rules for labels: %s", refusedLabel).isEqualTo(1);
            assertThat(refusedLabel.err()).contains("HTTP 400").contains("labels");
            Cli.Result cancelled = cli.admin("jobs", "cancel", second);
            assertThat(cancelled.exit()).as(cancelled.toString()).isZero();
            assertThat(cancelled.out().strip()).isEqualTo(second + " cancelled");
            assertThat(cli.admin("jobs", "list").rows()).extracting(r -> r[1]).containsExactly("completed", "cancelled");

            Cli.Result missing = cli.admin("jobs", "logs", "job-1705329400000-abc123");
            assertThat(missing.exit()).as(missing.toString()).isEqualTo(4);
            assertThat(missing.err()).contains("HTTP 404: Job not found");
            assertThat(cli.admin("jobs", "logs", "job-1705329400000-abc123", "-f").exit()).isEqualTo(4);

            Cli.Result notZip = cli.admin("jobs", "submit", "--command", "ls", "--bundle", script.toString());
            assertThat(notZip.exit()).as("the server refuses a bundle that is not a ZIP: %s", notZip).isEqualTo(1);
            assertThat(notZip.err()).contains("HTTP 400");
        }
    }

    @DbTest
    void logsFollowPrintsOutputAsItArrivesAndEndsWithTheJob(TestDatabase db) throws Exception {
        try (TestApp app = TestApp.start(db)) {
            Path dir = Files.createTempDirectory("cli-follow");
            Cli cli = Cli.against(app);
            String jobId = cli.admin("jobs", "submit", "--command", "make", "--bundle", bundle(dir).toString())
                    .out().strip();
            Worker w = new Worker(app, "cli-worker-2");
            assertThat(w.claim()).isEqualTo(jobId);
            w.output(jobId, "stdout", "one\n");

            CompletableFuture<Cli.Result> follow = CompletableFuture.supplyAsync(() -> cli.admin("jobs", "logs", jobId, "-f"));
            CompletableFuture<Cli.Result> json = CompletableFuture.supplyAsync(
                    () -> cli.admin("jobs", "logs", jobId, "--follow", "--json"));
            w.output(jobId, "stderr", "warning: two\n");
            w.output(jobId, "stdout", "two\n");
            // The result replaces what was streamed; what the stream did not show is printed at the end.
            w.result(jobId, "one\ntwo\nthree\n", 0);

            Cli.Result r = follow.get(30, TimeUnit.SECONDS);
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.out()).isEqualTo("one\ntwo\nthree\n");
            assertThat(r.err()).contains("warning: two\n").contains("[" + jobId + " running on cli-worker-2, attempt 1]")
                    .endsWith("[" + jobId + " completed, exit code 0]\n");

            Cli.Result j = json.get(30, TimeUnit.SECONDS);
            assertThat(j.exit()).as(j.toString()).isZero();
            List<JsonNode> lines = new ArrayList<>();
            for (String line : j.out().split("\n")) {
                lines.add(MAPPER.readTree(line));
            }
            assertThat(lines).extracting(l -> l.get("event").asText()).contains("status", "output")
                    .endsWith("job");
            assertThat(lines.get(lines.size() - 1).get("data").get("stdout").asText()).isEqualTo("one\ntwo\nthree\n");
            assertThat(lines).filteredOn(l -> l.get("event").asText().equals("output"))
                    .extracting(l -> l.get("data").get("data").asText()).containsExactly("one\n", "warning: two\n", "two\n");
        }
    }

    private static Path bundle(Path dir) throws IOException {
        Path zip = dir.resolve("bundle.zip");
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("data/input.txt"));
            z.write("input\n".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
        return zip;
    }

    /** A worker of the command-executor contract, driven by the test with the worker token. */
    private record Worker(TestApp app, String id) {

        Worker {
            Http.Response r = app.http.post("/api/workers/register", json(Map.of("workerId", id, "hostname", id,
                    "os", "linux", "cpuCount", 2, "version", "1.0.0")), TestApp.worker());
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }

        String claim() {
            Http.Response r = app.http.get("/api/jobs/get-job?workerId=" + id, TestApp.worker());
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            return r.json().get("job").get("jobId").asText();
        }

        void output(String jobId, String type, String data) {
            Http.Response r = app.http.post("/api/jobs/stream-output", json(Map.of("jobId", jobId, "workerId", id,
                    "data", data, "type", type)), TestApp.worker());
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }

        void result(String jobId, String stdout, int exitCode) {
            Http.Response r = app.http.post("/api/jobs/submit-result", json(Map.of("jobId", jobId, "workerId", id,
                    "stdout", stdout, "stderr", "", "exitCode", exitCode)), TestApp.worker());
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }

        private static String json(Object value) {
            try {
                return MAPPER.writeValueAsString(value);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
