package dev.vectis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.db.Database;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.Lines;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A node told to stop (SIGTERM) loses nothing for its clients: a waiting long poll is answered
 * 202 with the contract's no-job body at once, an event stream is ended with a reconnection
 * hint, a request being handled finishes, and the node lets its loops go and leaves the nodes
 * table, so the others carry on without it.
 */
class GracefulStopTest {

    private static final Duration PROMPTLY = Duration.ofSeconds(10);

    @DbTest
    void stoppingAnswersLongPollsEndsStreamsAndFinishesRequests(TestDatabase db) throws Exception {
        MutableClock clock = new MutableClock();
        TestApp app = TestApp.start(db, Map.of("VECTIS_EXECUTOR_DIRECT_ENABLED", "true",
                "VECTIS_SERVER_SHUTDOWN_TIMEOUT_SECONDS", "20"), clock);
        CompletableFuture<Void> stopping = null;
        try {
            assertThat(app.http.post("/api/workers/register", "{\"workerId\":\"w1\",\"hostname\":\"h1\"}",
                    TestApp.worker()).status()).isEqualTo(200);
            clock.advance(Duration.ofMinutes(1));
            CompletableFuture<Http.Response> poll = CompletableFuture.supplyAsync(
                    () -> app.http.get("/api/jobs/get-job?workerId=w1&wait=30", TestApp.worker()));
            // The poll's heartbeat, written by the flusher, says it is being handled.
            await().atMost(PROMPTLY).until(() -> lastSeen(app, "w1") == clock.millis());

            Lines stream = Lines.open(Lines.get(app.http.base(), "/api/v1/events/stream", TestApp.admin()));
            assertThat(stream.status()).isEqualTo(200);
            stream.awaitLine("retry: 2000"::equals, PROMPTLY);

            Lines run = Lines.open(execute(app, "echo started; sleep 1; echo finished"));
            assertThat(run.status()).isEqualTo(200);
            run.awaitLine(l -> l.contains("started"), PROMPTLY);

            stopping = CompletableFuture.runAsync(app::close);

            Http.Response answered = poll.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
            assertThat(answered.status()).isEqualTo(202);
            JsonNode body = answered.json();
            assertThat(body.get("success").asBoolean()).isFalse();
            assertThat(body.get("job").isNull()).isTrue();
            assertThat(body.get("message").asText()).isEqualTo("No jobs available");

            stream.awaitEnd(PROMPTLY);
            assertThat(stream.lines()).contains("retry: 1000");

            run.awaitEnd(PROMPTLY);
            assertThat(String.join("\n", run.lines())).contains("finished", "event: exit");

            stopping.get(30, TimeUnit.SECONDS);
        } finally {
            if (stopping == null) {
                app.close();
            }
        }
        try (Database database = db.open()) {
            int nodes = database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM nodes")
                    .mapTo(Integer.class).one());
            assertThat(nodes).as("the node left the nodes table").isZero();
            if (db.isPostgres()) {
                int locks = database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM pg_locks "
                                + "WHERE locktype = 'advisory' AND database = "
                                + "(SELECT oid FROM pg_database WHERE datname = current_database())")
                        .mapTo(Integer.class).one());
                assertThat(locks).as("the node let its loops go").isZero();
            }
        }
    }

    private static long lastSeen(TestApp app, String workerId) {
        return app.app().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT last_seen_at FROM workers WHERE id = :id").bind("id", workerId).mapTo(Long.class).one());
    }

    /** A direct-mode run (POST /api/execute): its output streams while the commands run. */
    private static HttpRequest.Builder execute(TestApp app, String commands) {
        String boundary = "----vectis-test-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, String> field : Map.of("commands", commands, "mode", "direct").entrySet()) {
            write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.getKey()
                    + "\"\r\n\r\n" + field.getValue() + "\r\n");
        }
        write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.zip\"\r\n"
                + "Content-Type: application/zip\r\n\r\n");
        body.writeBytes(zip());
        write(body, "\r\n--" + boundary + "--\r\n");
        return app.http.request("/api/execute", TestApp.admin())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
    }

    private static byte[] zip() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("readme.txt"));
            zip.write("a bundle".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }
}
