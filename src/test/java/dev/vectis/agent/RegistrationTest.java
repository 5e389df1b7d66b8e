package dev.vectis.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.workers.Labels;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The agent's registration: its labels go with it, and the server's pace comes back to its heartbeats. */
class RegistrationTest {

    private final FakeServer server;

    RegistrationTest() throws IOException {
        server = new FakeServer();
        server.on("POST", "/api/workers/register", 200,
                "{\"success\":true,\"heartbeatIntervalSeconds\":4,\"offlineAfterSeconds\":60}");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void sendsTheConfiguredLabelsAndHandsThePaceToTheHeartbeats() throws Exception {
        Registration registration = new Registration(AgentTesting.signed(server.uri()), AgentTesting.WORKER, 2,
                Labels.fromText("os=linux,gpu=true", "--label"), () -> true);
        assertThat(registration.register()).isTrue();
        JsonNode sent = server.requests("POST", "/api/workers/register").get(0).json();
        assertThat(sent.get("labels").toString()).isEqualTo("{\"gpu\":\"true\",\"os\":\"linux\"}");

        Heartbeats beats = new Heartbeats(AgentTesting.signed(server.uri()), AgentTesting.WORKER,
                Duration.ofSeconds(10), () -> { });
        registration.onAnswer(beats::adopt);
        assertThat(beats.interval()).as("the answer already received").isEqualTo(Duration.ofSeconds(4));

        server.on("POST", "/api/workers/register", 200,
                "{\"success\":true,\"heartbeatIntervalSeconds\":8,\"offlineAfterSeconds\":60}");
        registration.register();
        assertThat(beats.interval()).as("a registration again, e.g. after a 404").isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void withoutLabelsItSaysNothingAboutThem() throws Exception {
        new Registration(AgentTesting.signed(server.uri()), AgentTesting.WORKER, 1, () -> true).register();
        assertThat(server.requests("POST", "/api/workers/register").get(0).json().has("labels")).isFalse();
    }
}
