package dev.vectis.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectis.auth.HmacSignature;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServerClientTest {

    private final FakeServer server;

    ServerClientTest() throws IOException {
        server = new FakeServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void signsTheExactBodyAndTargetAsTheWorker() throws Exception {
        server.on("POST", "/api/workers/heartbeat", 200, "{}");

        AgentTesting.signed(server.uri()).send("POST", "/api/workers/heartbeat", Map.of("workerId", "wrk_test123"),
                Duration.ofSeconds(5));

        FakeServer.Request r = server.requests().get(0);
        assertThat(r.header(HmacSignature.WORKER_HEADER)).isEqualTo(AgentTesting.WORKER);
        assertThat(r.header("Authorization")).isNull();
        assertThat(Long.parseLong(r.header(HmacSignature.TIMESTAMP_HEADER)))
                .isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(5L));
        assertThat(verify(r, AgentTesting.SECRET)).isTrue();
        assertThat(verify(r, AgentTesting.SECRET.replace('0', '1'))).isFalse();
        assertThat(HmacSignature.verify(HmacSignature.key(AgentTesting.SECRET), r.method(), r.target(),
                r.header(HmacSignature.TIMESTAMP_HEADER), "{\"workerId\":\"other\"}".getBytes(),
                r.header(HmacSignature.SIGNATURE_HEADER), Instant.now())).isFalse();
    }

    @Test
    void signsTheQueryAndAnEmptyBodyOfAGet() throws Exception {
        server.on("GET", "/api/jobs/check-cancel", 200, "{\"cancelled\":false}");

        AgentTesting.signed(server.uri()).send("GET", "/api/jobs/check-cancel?jobId=job%201", null, Duration.ofSeconds(5));

        FakeServer.Request r = server.requests().get(0);
        assertThat(r.target()).isEqualTo("/api/jobs/check-cancel?jobId=job%201");
        assertThat(r.body()).isEmpty();
        assertThat(verify(r, AgentTesting.SECRET)).isTrue();
    }

    @Test
    void aServerUnderAPathPrefixSignsTheWholePath() throws Exception {
        server.on("GET", "/vectis/api/x", 200, "{}");

        AgentTesting.signed(URI.create(server.uri() + "/vectis/")).send("GET", "/api/x", null, Duration.ofSeconds(5));

        assertThat(server.requests().get(0).target()).isEqualTo("/vectis/api/x");
        assertThat(verify(server.requests().get(0), AgentTesting.SECRET)).isTrue();
    }

    @Test
    void unsignedCallsCarryNoSignature() throws Exception {
        server.on("POST", "/api/v1/workers", 201, "{}");

        AgentTesting.unsigned(server.uri()).send("POST", "/api/v1/workers", Map.of(), Duration.ofSeconds(5),
                "Authorization", "Bearer t");

        FakeServer.Request r = server.requests().get(0);
        assertThat(r.header(HmacSignature.SIGNATURE_HEADER)).isNull();
        assertThat(r.header("Authorization")).isEqualTo("Bearer t");
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
    }

    @Test
    void retriesServerErrorsButNotRefusals() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        server.on("PUT", "/flaky", r -> calls.incrementAndGet() < 3 ? FakeServer.Reply.json(503, "{}")
                : FakeServer.Reply.json(200, "{\"ok\":true}"));
        server.on("PUT", "/refused", 409, "{\"error\":\"Job is already completed\"}");

        ServerClient client = AgentTesting.signed(server.uri());
        assertThat(client.sendWithRetries("PUT", "/flaky", Map.of(), 6).status()).isEqualTo(200);
        assertThat(calls).hasValue(3);
        assertThat(client.sendWithRetries("PUT", "/refused", Map.of(), 6).status()).isEqualTo(409);
        assertThat(server.requests("PUT", "/refused")).hasSize(1);
        // Every retry is signed afresh and still verifies.
        assertThat(server.requests("PUT", "/flaky")).allMatch(r -> verify(r, AgentTesting.SECRET));
    }

    @Test
    void givesUpOnNetworkErrorsAfterTheTries() {
        ServerClient client = AgentTesting.signed(URI.create("http://127.0.0.1:9"));

        assertThatThrownBy(() -> client.sendWithRetries("POST", "/x", Map.of(), 3)).isInstanceOf(IOException.class);
    }

    @Test
    void backoffDoublesUpToTheCeiling() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), d -> { });

        assertThat(b.delay(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(b.delay(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(b.delay(6)).isEqualTo(Duration.ofSeconds(30));
        assertThat(b.delay(100)).isEqualTo(Duration.ofSeconds(30));
    }

    static boolean verify(FakeServer.Request r, String secret) {
        return HmacSignature.verify(HmacSignature.key(secret), r.method(), r.target(),
                r.header(HmacSignature.TIMESTAMP_HEADER), r.body(), r.header(HmacSignature.SIGNATURE_HEADER),
                Instant.now());
    }
}
