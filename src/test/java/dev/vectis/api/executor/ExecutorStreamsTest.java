package dev.vectis.api.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Job event streams served from one shared reader: streams joining at any moment, from any
 * Last-Event-ID, get every later event once, in order; and the stream caps apply to job
 * streams and direct runs in the executor's error shape.
 */
class ExecutorStreamsTest {

    private static final Map<String, String> AUTH_NONE = Map.of("VECTIS_EXECUTOR_AUTH", "none");
    private static final String[] NONE = {};

    /** A job stream read to its end in the background: the ids of its frames, in order. */
    private record Watch(long after, CompletableFuture<List<Long>> ids) {

        static Watch open(TestApp app, String jobId, long after, String... headers) throws Exception {
            HttpRequest.Builder b = app.http.request("/api/jobs/" + jobId + "/events", headers);
            if (after > 0) {
                b.header("Last-Event-ID", Long.toString(after));
            }
            HttpResponse<Stream<String>> r = HttpClient.newHttpClient()
                    .send(b.GET().build(), HttpResponse.BodyHandlers.ofLines());
            assertThat(r.statusCode()).isEqualTo(200);
            return new Watch(after, CompletableFuture.supplyAsync(() -> {
                List<Long> ids = new ArrayList<>();
                try (Stream<String> lines = r.body()) {
                    Iterator<String> it = lines.iterator();
                    while (it.hasNext()) {
                        String line = it.next();
                        if (line.startsWith("id:")) {
                            ids.add(Long.parseLong(line.substring(3).trim()));
                        }
                    }
                }
                return ids;
            }));
        }
    }

    @DbTest
    void streamsJoiningWhileOutputArrivesGetEveryLaterEventOnceInOrder(TestDatabase db) throws Exception {
        try (TestApp app = TestApp.start(db, AUTH_NONE)) {
            String jobId = runningJob(app, NONE);
            List<Watch> watches = new ArrayList<>();
            watches.add(Watch.open(app, jobId, 0));
            for (int i = 0; i < 40; i++) {
                assertThat(output(app, jobId, "line " + i, NONE).status()).isEqualTo(200);
                if (i % 8 == 3) {
                    List<Long> sofar = eventIds(app, jobId);
                    watches.add(Watch.open(app, jobId, 0));
                    watches.add(Watch.open(app, jobId, sofar.get(sofar.size() / 2)));
                    watches.add(Watch.open(app, jobId, sofar.get(sofar.size() - 1)));
                }
            }
            assertThat(app.http.post("/api/jobs/submit-result", "{\"jobId\": \"" + jobId
                    + "\", \"workerId\": \"worker-1\", \"stdout\": \"done\", \"exitCode\": 0}").status()).isEqualTo(200);

            List<Long> all = eventIds(app, jobId);
            for (Watch w : watches) {
                List<Long> got = w.ids().get(30, TimeUnit.SECONDS);
                assertThat(got).as("after %s: every later event, once, in order, then the end", w.after())
                        .containsExactlyElementsOf(all.stream().filter(id -> id > w.after()).toList());
            }
        }
    }

    @DbTest
    void jobStreamsAndDirectRunsAreCappedPerCallerInTheExecutorsShape(TestDatabase db) throws Exception {
        try (TestApp app = TestApp.start(db, Map.of("VECTIS_SERVER_MAX_STREAMS_PER_USER", "2",
                "VECTIS_EXECUTOR_DIRECT_ENABLED", "true"))) {
            String jobId = runningJob(app, TestApp.admin());
            List<Watch> open = List.of(Watch.open(app, jobId, 0, TestApp.admin()),
                    Watch.open(app, jobId, 0, TestApp.admin()));

            Http.Response third = app.http.get("/api/jobs/" + jobId + "/events", TestApp.admin());
            assertTooMany(third, "per user");
            Http.Response direct = execute(app, TestApp.admin());
            assertTooMany(direct, "per user");

            assertThat(app.http.post("/api/jobs/submit-result", "{\"jobId\": \"" + jobId
                    + "\", \"workerId\": \"worker-1\", \"stdout\": \"done\", \"exitCode\": 0}", TestApp.worker())
                    .status()).isEqualTo(200);
            for (Watch w : open) {
                assertThat(w.ids().get(30, TimeUnit.SECONDS)).as("the finished job's streams end").isNotEmpty();
            }
            org.awaitility.Awaitility.await("the places are given back").atMost(java.time.Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(execute(app, TestApp.admin()).body()).contains("event: exit"));
        }
    }

    @DbTest
    void withoutTokensJobStreamsAreCappedPerAddress(TestDatabase db) throws Exception {
        try (TestApp app = TestApp.start(db, Map.of("VECTIS_EXECUTOR_AUTH", "none",
                "VECTIS_SERVER_MAX_STREAMS_PER_ADDRESS", "1"))) {
            String jobId = runningJob(app, NONE);
            Watch held = Watch.open(app, jobId, 0);
            assertTooMany(app.http.get("/api/jobs/" + jobId + "/events"), "per client address");
            assertThat(app.http.get("/api/jobs/status?jobId=" + jobId).status()).as("other calls").isEqualTo(200);
            assertThat(held.ids().isDone()).isFalse();
        }
    }

    private static void assertTooMany(Http.Response r, String cap) {
        assertThat(r.status()).as(r.body()).isEqualTo(429);
        assertThat(r.header("Retry-After")).isEqualTo("5");
        JsonNode body = r.json();
        assertThat(body.size()).as("exactly error and statusCode: %s", r.body()).isEqualTo(2);
        assertThat(body.get("statusCode").asInt()).isEqualTo(429);
        assertThat(body.get("error").asText()).contains("Too many event streams", cap);
    }

    /** A job claimed by worker-1 (so its stream stays open until it finishes). */
    private static String runningJob(TestApp app, String[] admin) {
        String[] worker = admin.length == 0 ? NONE : TestApp.worker();
        assertThat(app.http.post("/api/workers/register", "{\"workerId\": \"worker-1\", \"hostname\": \"h\", "
                + "\"os\": \"linux\", \"cpuCount\": 2, \"version\": \"1.0.0\"}", worker).status()).isEqualTo(200);
        Http.Response created = app.http.post("/api/jobs/create", "{\"command\": \"make\", "
                + "\"fileUrl\": \"/uploads/p.zip\", \"filename\": \"p.zip\"}", admin);
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(app.http.get("/api/jobs/get-job?workerId=worker-1", worker).status()).isEqualTo(200);
        return created.json().get("jobId").asText();
    }

    private static Http.Response output(TestApp app, String jobId, String text, String[] headers) {
        return app.http.post("/api/jobs/stream-output", "{\"jobId\": \"" + jobId + "\", \"workerId\": \"worker-1\", "
                + "\"data\": \"" + text + "\\n\", \"type\": \"stdout\"}", headers);
    }

    private static List<Long> eventIds(TestApp app, String jobId) {
        return app.app().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT id FROM job_events WHERE job_id = :j ORDER BY id").bind("j", jobId).mapTo(Long.class).list());
    }

    /** POST /api/execute in direct mode, running {@code true} from a one-file bundle. */
    private static Http.Response execute(TestApp app, String[] headers) {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zip)) {
            z.putNextEntry(new ZipEntry("a.txt"));
            z.write('a');
            z.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String boundary = "----streams";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"mode\"\r\n\r\ndirect\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"commands\"\r\n\r\ntrue\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.zip\"\r\n"
                + "Content-Type: application/zip\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(zip.toByteArray());
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return app.http.send(app.http.request("/api/execute", headers)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }
}
