package dev.vectis.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vectis.http.Json;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HeartbeatsTest {

    private final FakeServer server;
    private final AtomicInteger reregistered = new AtomicInteger();

    HeartbeatsTest() throws IOException {
        server = new FakeServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void beatsAtTheIntervalSignedWithTheWorkerId() {
        server.on("POST", "/api/workers/heartbeat", 200, "{\"success\":true}");
        Heartbeats beats = heartbeats(server.uri(), Duration.ofMillis(100));

        beats.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.requests().size() >= 3);
        beats.stop();

        assertThat(server.requests()).allMatch(r -> r.json().get("workerId").asText().equals(AgentTesting.WORKER)
                && ServerClientTest.verify(r, AgentTesting.SECRET));
    }

    @Test
    void adoptsTheIntervalTheServerSuggests() throws Exception {
        server.on("POST", "/api/workers/heartbeat", 200, "{\"success\":true,\"heartbeatIntervalSeconds\":7}");
        Heartbeats beats = heartbeats(server.uri(), Duration.ofSeconds(1));

        beats.beat();

        assertThat(beats.interval()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void keepsTheIntervalToAThirdOfTheServersOfflineWindow() throws Exception {
        Heartbeats beats = heartbeats(server.uri(), Duration.ofSeconds(10));
        beats.adopt(Json.mapper().readTree("{\"heartbeatIntervalSeconds\":30,\"offlineAfterSeconds\":30}"));
        assertThat(beats.interval()).isEqualTo(Duration.ofSeconds(10));
        beats.adopt(Json.mapper().readTree("{\"heartbeatIntervalSeconds\":5,\"offlineAfterSeconds\":60}"));
        assertThat(beats.interval()).isEqualTo(Duration.ofSeconds(5));
        beats.adopt(Json.mapper().readTree("{\"success\":true}"));
        assertThat(beats.interval()).as("no pace in the answer: unchanged").isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void eachWaitIsTheIntervalWithinTenPercent() {
        Duration ten = Duration.ofSeconds(10);
        assertThat(Heartbeats.jittered(ten, 0)).isEqualTo(9_000);
        assertThat(Heartbeats.jittered(ten, 0.5)).isEqualTo(10_000);
        assertThat(Heartbeats.jittered(ten, Math.nextDown(1.0))).isEqualTo(11_000);
        for (int i = 0; i < 1000; i++) {
            assertThat(Heartbeats.jittered(ten, Math.random())).isBetween(9_000L, 11_000L);
        }
    }

    @Test
    void anUnknownWorkerRegistersAgainAndOutagesAreSurvived() throws Exception {
        server.on("POST", "/api/workers/heartbeat", 404, "{\"error\":\"Worker not found\"}");
        heartbeats(server.uri(), Duration.ofSeconds(1)).beat();
        assertThat(reregistered).hasValue(1);

        Heartbeats unreachable = heartbeats(URI.create("http://127.0.0.1:9"), Duration.ofSeconds(1));
        unreachable.beat();
        unreachable.beat();
        assertThat(unreachable.interval()).isEqualTo(Duration.ofSeconds(1));
    }

    private Heartbeats heartbeats(URI uri, Duration interval) {
        return new Heartbeats(AgentTesting.signed(uri), AgentTesting.WORKER, interval, reregistered::incrementAndGet);
    }
}
