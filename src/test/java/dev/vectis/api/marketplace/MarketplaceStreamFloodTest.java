package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.config.Settings;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Issue 11's stream flood: one user opening 210 event streams took a node down, and every
 * stream read the database every second. Streams are capped per user and per address, and
 * one reader per node feeds them all.
 */
class MarketplaceStreamFloodTest {

    static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern POLLS =
            Pattern.compile("vectis_stream_reader_polls_total\\{feed=\"vps_sessions\",?}\\s+([0-9.E]+)");

    @DbTest
    void aUserOpening210StreamsGetsTheCapThen429sWhileOthersAndHealthCarryOn(TestDatabase db) throws Exception {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            String productId = Market.product(app, "VPS", 10, Market.worker(app, fake, 5));
            String flooder = Market.user(app, "flood@example.com", 20).get("token").asText();
            String calm = Market.user(app, "calm@example.com", 10).get("token").asText();
            String flooded = Market.bought(app, flooder, "a", productId).get("id").asText();
            String spare = Market.bought(app, flooder, "b", productId).get("id").asText();
            String theirs = Market.bought(app, calm, "c", productId).get("id").asText();
            int cap = Settings.Streams.DEFAULT.perUser();

            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<CompletableFuture<HttpResponse<InputStream>>> flood = IntStream.range(0, 210)
                    .mapToObj(i -> client.sendAsync(stream(app, flooded, flooder), HttpResponse.BodyHandlers.ofInputStream()))
                    .toList();
            List<HttpResponse<InputStream>> open = new ArrayList<>();
            List<HttpResponse<InputStream>> refused = new ArrayList<>();
            ExecutorService readers = Executors.newCachedThreadPool();
            for (CompletableFuture<HttpResponse<InputStream>> f : flood) {
                HttpResponse<InputStream> r = f.join();
                (r.statusCode() == 200 ? open : refused).add(r);
            }
            try {
                assertThat(open).as("streams open at once for one user").hasSize(cap);
                assertThat(refused).hasSize(210 - cap);
                for (HttpResponse<InputStream> r : refused) {
                    assertThat(r.statusCode()).isEqualTo(429);
                    assertThat(r.headers().firstValue("Retry-After")).contains("5");
                    JsonNode body = Market.MAPPER.readTree(r.body().readAllBytes());
                    assertThat(body.get("error").asText()).as("the marketplace's shape: %s", body)
                            .isEqualTo("too_many_streams");
                    assertThat(body.get("message").asText()).contains("at most " + cap, "per user");
                    assertThat(body.get("request_id").asText()).isNotBlank();
                }

                Http.Response health = app.http.send(app.http.request("/health").timeout(Duration.ofSeconds(5)).GET());
                assertThat(health.status()).isEqualTo(200);
                assertThat(Market.session(app, flooder, flooded).status()).as("the flooder's other calls").isEqualTo(200);
                try (SseStream other = SseStream.open(app.http.base(), "/vps/sessions/" + theirs + "/events",
                        "Authorization", "Bearer " + calm)) {
                    assertThat(other.status()).as(other.errorBody()).isEqualTo(200);
                    assertThat(other.awaitCount(2, WAIT).get(0).json().get("session_id").asText()).isEqualTo(theirs);
                }

                // The session's end ends its streams, and gives their places back.
                List<CompletableFuture<byte[]>> ended = open.stream()
                        .map(r -> CompletableFuture.supplyAsync(() -> readAll(r.body()), readers)).toList();
                assertThat(app.http.method("DELETE", "/vps/sessions/" + flooded, null, Market.bearer(flooder)).status())
                        .isEqualTo(200);
                for (CompletableFuture<byte[]> body : ended) {
                    assertThat(new String(body.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8))
                            .contains("\"status\":\"deleted\"");
                }
                Awaitility.await("a place for the flooder again").atMost(WAIT).untilAsserted(() -> {
                    try (SseStream again = SseStream.open(app.http.base(), "/vps/sessions/" + spare + "/events",
                            "Authorization", "Bearer " + flooder)) {
                        assertThat(again.status()).as(again.errorBody()).isEqualTo(200);
                    }
                });
            } finally {
                open.forEach(r -> close(r.body()));
                readers.shutdownNow();
            }
        }
    }

    @DbTest
    void streamsFromOneAddressAreCappedWhoeverOpensThem(TestDatabase db) {
        Map<String, String> env = Map.of("VECTIS_SERVER_MAX_STREAMS_PER_ADDRESS", "3",
                "VECTIS_SERVER_TRUSTED_PROXIES", "127.0.0.1");
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db, env)) {
            String productId = Market.product(app, "VPS", 10, Market.worker(app, fake, 5));
            String ann = Market.user(app, "ann@example.com", 10).get("token").asText();
            String bob = Market.user(app, "bob@example.com", 10).get("token").asText();
            String annPath = "/vps/sessions/" + Market.bought(app, ann, "a", productId).get("id").asText() + "/events";
            String bobPath = "/vps/sessions/" + Market.bought(app, bob, "b", productId).get("id").asText() + "/events";
            String[] office = {"X-Forwarded-For", "203.0.113.7"};
            List<SseStream> open = new ArrayList<>();
            try {
                open.add(SseStream.open(app.http.base(), annPath, auth(ann, office)));
                open.add(SseStream.open(app.http.base(), annPath, auth(ann, office)));
                open.add(SseStream.open(app.http.base(), bobPath + "?access_token=" + bob, office));
                assertThat(open).allSatisfy(s -> assertThat(s.status()).as(s.errorBody()).isEqualTo(200));

                for (SseStream s : List.of(SseStream.open(app.http.base(), bobPath, auth(bob, office)),
                        SseStream.open(app.http.base(), annPath, auth(ann, office)))) {
                    assertThat(s.status()).isEqualTo(429);
                    JsonNode body = json(s.errorBody());
                    assertThat(body.get("error").asText()).isEqualTo("too_many_streams");
                    assertThat(body.get("message").asText()).contains("at most 3", "per client address");
                }
                try (SseStream elsewhere = SseStream.open(app.http.base(), bobPath,
                        auth(bob, new String[] {"X-Forwarded-For", "203.0.113.8"}))) {
                    assertThat(elsewhere.status()).as("another address: %s", elsewhere.errorBody()).isEqualTo(200);
                    assertThat(elsewhere.awaitCount(2, WAIT)).isNotEmpty();
                }
                assertThat(app.http.get("/health", office).status()).isEqualTo(200);
            } finally {
                open.forEach(SseStream::close);
            }
        }
    }

    /** However many streams follow a session, its events are read once a tick, by this node's reader. */
    @DbTest
    void oneReaderReadsTheEventsForEveryStream(TestDatabase db) {
        try (FakeVmWorker fake = FakeVmWorker.start();
             // At production's pace the session is still provisioning while the streams open and show its state.
             TestApp app = Market.startAtProductionPace(db, Map.of("VECTIS_SERVER_MAX_STREAMS_PER_USER", "20"))) {
            String productId = Market.product(app, "VPS", 10, Market.worker(app, fake, 3));
            String token = Market.user(app, "many@example.com", 10).get("token").asText();
            String sessionId = Market.bought(app, token, "k", productId).get("id").asText();
            int watchers = 12;
            List<SseStream> streams = new ArrayList<>();
            try {
                for (int i = 0; i < watchers; i++) {
                    SseStream s = SseStream.open(app.http.base(), "/vps/sessions/" + sessionId + "/events",
                            "Authorization", "Bearer " + token);
                    assertThat(s.status()).as(s.errorBody()).isEqualTo(200);
                    streams.add(s);
                }
                streams.forEach(s -> s.awaitCount(2, WAIT));

                AtomicInteger reads = new AtomicInteger();
                app.app().database().jdbi().getConfig(SqlStatements.class).setSqlLogger(new SqlLogger() {
                    @Override
                    public void logBeforeExecution(StatementContext ctx) {
                        String sql = ctx.getRenderedSql();
                        if (sql.startsWith("SELECT") && sql.contains("vps_session_events")) {
                            reads.incrementAndGet();
                        }
                    }
                });
                double before = polls(app);
                Awaitility.await("three rounds of the reader").atMost(WAIT).until(() -> polls(app) >= before + 3);
                int read = reads.get();
                double rounds = polls(app) - before;
                // Each round is two statements: how far the log is final (a fence), then the read.
                assertThat(read).as("statements on the session's events in %s rounds, %s streams open", rounds,
                        watchers).isLessThanOrEqualTo(2 * ((int) rounds + 1)).isLessThan(watchers);

                assertThat(app.http.method("DELETE", "/vps/sessions/" + sessionId, null, Market.bearer(token)).status())
                        .isEqualTo(200);
                for (SseStream s : streams) {
                    s.await("deleted", f -> MarketplaceEventsTest.isStatus(f, "deleted"), WAIT);
                    Awaitility.await("the stream ends").atMost(WAIT).until(s::ended);
                    assertThat(MarketplaceEventsTest.statuses(s.frames())).as(s.describe())
                            .containsSubsequence("stopping", "deleted").doesNotHaveDuplicates();
                    assertThat(s.frames().stream().skip(2).map(SseStream.Frame::id).toList()).as(s.describe())
                            .isSorted().doesNotHaveDuplicates();
                }
            } finally {
                streams.forEach(SseStream::close);
            }
        }
    }

    private static HttpRequest stream(TestApp app, String sessionId, String token) {
        return app.http.request("/vps/sessions/" + sessionId + "/events", "Authorization", "Bearer " + token,
                "Accept", "text/event-stream").timeout(Duration.ofSeconds(5)).GET().build();
    }

    private static String[] auth(String token, String[] more) {
        String[] out = java.util.Arrays.copyOf(more, more.length + 2);
        out[more.length] = "Authorization";
        out[more.length + 1] = "Bearer " + token;
        return out;
    }

    private static JsonNode json(String body) {
        try {
            return Market.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    /** The reader's reads of vps_session_events so far, as /metrics shows them. */
    private static double polls(TestApp app) {
        Matcher m = POLLS.matcher(app.http.get("/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
