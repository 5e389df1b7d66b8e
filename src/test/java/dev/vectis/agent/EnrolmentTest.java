package dev.vectis.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnrolmentTest {

    @TempDir
    Path dir;

    private final FakeServer server;

    EnrolmentTest() throws IOException {
        server = new FakeServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void enrolsWithTheTokenAndANewSecretAndSavesWorkerConf() throws Exception {
        server.on("POST", "/api/v1/workers", 201,
                "{\"id\":\"wrk_abc123\",\"subdomain\":\"worker-a1b2c3.vectis.dev\",\"ip\":\"203.0.113.5\"}");

        Enrolment.Identity id = identify(Optional.of("tok"));

        FakeServer.Request r = server.requests().get(0);
        assertThat(r.header("Authorization")).isEqualTo("Bearer tok");
        assertThat(r.json().get("ip").asText()).isEqualTo("203.0.113.5");
        assertThat(r.json().get("hostname").asText()).as("the operator sees this machine's name")
                .isEqualTo(Registration.hostname()).isNotBlank();
        assertThat(r.json().get("secret").asText()).isEqualTo(Files.readString(dir.resolve("worker.secret")).strip())
                .matches("[0-9a-f]{64}").isEqualTo(id.secret());
        assertThat(Files.readString(dir.resolve("worker.conf"))).isEqualTo("""
                WORKER_ID=wrk_abc123
                SUBDOMAIN=worker-a1b2c3.vectis.dev
                PUBLIC_IP=203.0.113.5
                SYNC_STATUS=synced
                """);
        assertThat(id.toString()).doesNotContain(id.secret());
    }

    @Test
    void anExistingWorkerConfIsReusedWithoutAnyCall() throws Exception {
        new WorkerConf("wrk_old", "worker-old.vectis.dev", "203.0.113.5", "synced").write(dir);
        Files.writeString(dir.resolve("worker.secret"), AgentTesting.SECRET);

        Enrolment.Identity id = identify(Optional.empty());

        assertThat(id.conf().workerId()).isEqualTo("wrk_old");
        assertThat(id.secret()).isEqualTo(AgentTesting.SECRET);
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void aReSyncAnsweredWithTheKnownIdentityIsSaved() throws Exception {
        Files.writeString(dir.resolve("worker.secret"), AgentTesting.SECRET);
        server.on("POST", "/api/v1/workers", 200,
                "{\"id\":\"wrk_same\",\"subdomain\":\"worker-same.vectis.dev\",\"ip\":\"203.0.113.5\"}");

        Enrolment.Identity id = identify(Optional.of("tok"));

        assertThat(id.conf()).isEqualTo(new WorkerConf("wrk_same", "worker-same.vectis.dev", "203.0.113.5", "synced"));
        assertThat(server.requests().get(0).json().get("secret").asText()).isEqualTo(AgentTesting.SECRET);
        assertThat(WorkerConf.read(dir)).contains(id.conf());
    }

    @Test
    void aConflictThatNamesTheWorkerMeansThisMachineIsAlreadyEnrolled() throws Exception {
        Files.writeString(dir.resolve("worker.secret"), AgentTesting.SECRET);
        server.on("POST", "/api/v1/workers", 409, "{\"error\":\"Worker already exists\",\"message\":\"A worker with "
                + "this IP is already registered\",\"id\":\"wrk_same\",\"subdomain\":\"worker-same.vectis.dev\"}");

        Enrolment.Identity id = identify(Optional.of("tok"));

        assertThat(id.conf()).isEqualTo(new WorkerConf("wrk_same", "worker-same.vectis.dev", "203.0.113.5", "synced"));
        assertThat(server.requests().get(0).json().get("secret").asText()).isEqualTo(AgentTesting.SECRET);
        assertThat(WorkerConf.read(dir)).contains(id.conf());
    }

    @Test
    void aConflictWithoutTheWorkerIsFatalAndSavesNothing() {
        server.on("POST", "/api/v1/workers", 409,
                "{\"error\":\"Worker already exists\",\"message\":\"A worker with this IP is already registered\"}");

        assertThatThrownBy(() -> identify(Optional.of("tok"))).isInstanceOf(AgentException.class)
                .hasMessageContaining("already has a worker with IP 203.0.113.5")
                .hasMessageContaining("worker.secret");
        assertThat(dir.resolve("worker.conf")).doesNotExist();
    }

    @Test
    void aRefusedTokenIsFatal() {
        server.on("POST", "/api/v1/workers", 401, "{\"error\":\"Unauthorized\",\"message\":\"Invalid or missing token\"}");

        assertThatThrownBy(() -> identify(Optional.of("wrong"))).isInstanceOf(AgentException.class)
                .hasMessageContaining("refused the enrolment token (HTTP 401): Invalid or missing token")
                .hasMessageNotContaining("wrong");
    }

    @Test
    void enrolmentNeedsAToken() {
        assertThatThrownBy(() -> identify(Optional.empty())).isInstanceOf(AgentException.class)
                .hasMessageContaining("--token").hasMessageContaining("VECTIS_TOKEN");
        assertThat(server.requests()).isEmpty();
    }

    private Enrolment.Identity identify(Optional<String> token) throws Exception {
        IpDetection ips = new IpDetection(HttpClient.newHttpClient(), Optional::empty, Optional::empty);
        return new Enrolment(AgentTesting.unsigned(server.uri()), ips, new SecureRandom())
                .identify(dir, token, Optional.of("203.0.113.5"), Optional.empty());
    }
}
