package dev.vectis.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's stop path (what SIGTERM runs) against the real server: the server sees a
 * departure, not a crash — the worker offline at once and a worker.left event — and the job
 * still running is handed back once the grace is over.
 */
class AgentDepartureTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** What the issue asks of a departure: seen by the server this soon after the stop begins. */
    private static final Duration SEEN_WITHIN = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    @DbTest
    void anIdleAgentThatStopsIsSeenLeavingAtOnce(TestDatabase db) throws Exception {
        try (TestApp app = TestApp.start(db)) {
            Agent agent = Agent.start(settings(app, Duration.ofSeconds(30)), Clock.systemUTC(), () -> true);
            String id = awaitOnline(app);
            // Its first long poll has reached the queue (a named poll marks the worker so): stopping must not wait for it.
            await().atMost(Duration.ofSeconds(10)).until(() -> app.app().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT names_itself FROM workers WHERE id = :id").bind("id", id).mapTo(Boolean.class).one()));

            CompletableFuture<Void> closing = CompletableFuture.runAsync(agent::close);

            await().atMost(SEEN_WITHIN).pollInterval(Duration.ofMillis(50))
                    .until(() -> status(app, id).equals("offline") && !events(app, id, "worker.left").isEmpty());
            closing.get(10, TimeUnit.SECONDS);
            JsonNode left = events(app, id, "worker.left").get(0);
            assertThat(left.get("workerId").asText()).isEqualTo(id);
            assertThat(left.get("stillRunning")).isEmpty();
            assertThat(left.get("handedBack")).isEmpty();
            assertThat(events(app, id, "worker.offline")).as("a departure, not a crash").isEmpty();
            // A heartbeat from before the departure, flushed after it, does not bring the worker back.
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> status(app, id).equals("offline"));
        }
    }

    @DbTest
    void aRunningJobKeepsRunningThroughTheGraceThenIsHandedBack(TestDatabase db) throws Exception {
        try (TestApp app = TestApp.start(db)) {
            String job = app.http.post("/api/jobs/create", "{\"command\":\"sleep 60\",\"fileUrl\":\"/uploads/x.zip\","
                    + "\"filename\":\"x.zip\",\"maxAttempts\":2}", TestApp.admin()).json().get("jobId").asText();
            // No such bundle: the agent would fail the job at once. A job without one runs in an empty directory.
            app.app().database().jdbi().useHandle(h -> h.createUpdate("UPDATE jobs SET file_url = '' WHERE id = :id")
                    .bind("id", job).execute());
            Agent agent = Agent.start(settings(app, Duration.ofSeconds(4)), Clock.systemUTC(), () -> true);
            String id = awaitOnline(app);
            await().atMost(Duration.ofSeconds(20)).until(() -> job(app, job).get("status").asText().equals("running")
                    && job(app, job).path("workerId").asText().equals(id));

            CompletableFuture<Void> closing = CompletableFuture.runAsync(agent::close);

            await().atMost(SEEN_WITHIN).pollInterval(Duration.ofMillis(50))
                    .until(() -> status(app, id).equals("offline") && !events(app, id, "worker.left").isEmpty());
            JsonNode left = events(app, id, "worker.left").get(0);
            assertThat(left.get("stillRunning")).extracting(JsonNode::asText).containsExactly(job);
            assertThat(left.get("handedBack")).isEmpty();
            assertThat(job(app, job).get("status").asText()).as("still the agent's during the grace").isEqualTo("running");

            closing.get(60, TimeUnit.SECONDS);
            JsonNode after = job(app, job);
            assertThat(after.get("status").asText()).as("handed back, with an attempt left").isEqualTo("pending");
            assertThat(events(app, id, "worker.left")).as("one departure").hasSize(1);
            assertThat(events(app, id, "worker.offline")).isEmpty();
        }
    }

    private AgentSettings settings(TestApp app, Duration grace) {
        return new AgentSettings(URI.create(app.http.base()), Optional.of(TestApp.WORKER_TOKEN), dir, dir,
                Optional.of("127.0.0.1"), Optional.empty(), 0, 1, Optional.empty(), Duration.ofSeconds(1), grace);
    }

    private String awaitOnline(TestApp app) throws IOException {
        await().atMost(Duration.ofSeconds(20)).until(() -> dir.resolve(WorkerConf.FILE).toFile().exists());
        String id = WorkerConf.read(dir).orElseThrow().workerId();
        await().atMost(Duration.ofSeconds(20)).until(() -> !status(app, id).equals("offline"));
        return id;
    }

    private static String status(TestApp app, String id) {
        for (JsonNode w : app.http.get("/api/workers/register", TestApp.admin()).json().get("workers")) {
            if (w.get("workerId").asText().equals(id)) {
                return w.get("status").asText();
            }
        }
        return "missing";
    }

    private static JsonNode job(TestApp app, String id) {
        return app.http.get("/api/jobs/status?jobId=" + id, TestApp.admin()).json();
    }

    /** The data of the worker's events of that type, oldest first. */
    private static List<JsonNode> events(TestApp app, String workerId, String type) {
        return app.app().database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT data FROM events WHERE worker_id = :w AND type = :t ORDER BY id")
                .bind("w", workerId).bind("t", type).mapTo(String.class).list()).stream().map(text -> {
                    try {
                        return MAPPER.readTree(text);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }).toList();
    }
}
