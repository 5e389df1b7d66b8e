package dev.vectis.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vectis.auth.HmacSignature;
import dev.vectis.http.Json;
import dev.vectis.process.ShellRunner;
import dev.vectis.testing.Http;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmApiTest {

    @TempDir
    Path dir;

    private VmApi api;
    private VirtualMachines vms;
    private Http http;

    @AfterEach
    void stop() throws Exception {
        if (api != null) {
            api.stop();
            vms.stopAll();
        }
    }

    @Test
    void theSimulatedVmStartsLogsAndStops() throws Exception {
        start(Optional.empty());

        Http.Response created = call("POST", "/vm-loso", "{\"action\":3}", AgentTesting.SECRET, AgentTesting.WORKER, now());

        assertThat(created.status()).isEqualTo(200);
        String logUrl = created.json().get("logUrl").asText();
        assertThat(logUrl).matches("/log/quack_[a-z0-9]{10}");
        String route = logUrl.substring("/log/".length());
        await().atMost(Duration.ofSeconds(10)).until(() -> signedGet(logUrl).body().contains("Status: ready"));
        Http.Response log = signedGet(logUrl);
        assertThat(log.header("Content-Type")).startsWith("text/plain");
        assertThat(log.body()).contains("RDP host: 203.0.113.5\n", "RDP port: 3389\n", "Username: vectis\n")
                .containsPattern("Password: [A-Za-z0-9]{16}\n").endsWith("Status: ready\n");

        Http.Response stopped = call("POST", "/stop/" + route, "", AgentTesting.SECRET, AgentTesting.WORKER, now());

        assertThat(stopped.status()).isEqualTo(200);
        assertThat(stopped.json().get("success").asBoolean()).isTrue();
        assertThat(stopped.json().get("message").asText()).isEqualTo("VM " + route + " stopped");
        assertThat(stopped.json().get("tokenReset").asText()).matches("[0-9a-f]{32}");
        assertThat(signedGet(logUrl).body()).endsWith("Status: stopped\n");
    }

    @Test
    void everyRequestMustBeSignedByThisWorkersSecret() throws Exception {
        start(Optional.empty());
        String good = "{\"action\":3}";

        assertUnauthorized(http.post("/vm-loso", good));
        assertUnauthorized(http.get("/log/quack_0000000000"));
        assertUnauthorized(http.method("POST", "/stop/quack_0000000000", ""));
        assertUnauthorized(http.get("/no/such/path"));
        assertUnauthorized(call("POST", "/vm-loso", good, AgentTesting.SECRET.replace('a', 'b'), AgentTesting.WORKER, now()));
        assertUnauthorized(call("POST", "/vm-loso", good, AgentTesting.SECRET, "wrk_someone_else", now()));
        assertUnauthorized(call("POST", "/vm-loso", good, AgentTesting.SECRET, AgentTesting.WORKER,
                Long.toString(Instant.now().minus(Duration.ofMinutes(6)).getEpochSecond())));
        // Signed for one body, sent with another.
        String ts = now();
        String signature = HmacSignature.sign(HmacSignature.key(AgentTesting.SECRET), "POST", "/vm-loso", ts,
                good.getBytes(StandardCharsets.UTF_8));
        assertUnauthorized(http.post("/vm-loso", "{\"action\":1}", HmacSignature.WORKER_HEADER, AgentTesting.WORKER,
                HmacSignature.TIMESTAMP_HEADER, ts, HmacSignature.SIGNATURE_HEADER, signature));
        // Signed for one path, sent to another.
        assertUnauthorized(http.method("POST", "/stop/quack_1111111111", "", HmacSignature.WORKER_HEADER,
                AgentTesting.WORKER, HmacSignature.TIMESTAMP_HEADER, ts, HmacSignature.SIGNATURE_HEADER,
                HmacSignature.sign(HmacSignature.key(AgentTesting.SECRET), "POST", "/stop/quack_0000000000", ts,
                        new byte[0])));
        assertThat(vms.routes()).isEmpty();
    }

    @Test
    void theQueryIsPartOfWhatIsSigned() throws Exception {
        start(Optional.empty());

        assertThat(call("GET", "/log/quack_0000000000?x=1", null, AgentTesting.SECRET, AgentTesting.WORKER, now())
                .status()).isEqualTo(404);
    }

    @Test
    void badRequestsAreExplained() throws Exception {
        start(Optional.empty());

        Http.Response noProvisioner = call("POST", "/vm-loso", "{\"action\":1}", AgentTesting.SECRET, AgentTesting.WORKER, now());
        assertThat(noProvisioner.status()).isEqualTo(400);
        assertThat(noProvisioner.json().get("message").asText()).contains("without --provisioners");
        for (String body : List.of("{\"action\":4}", "{\"action\":\"1\"}", "{}", "not json")) {
            Http.Response r = call("POST", "/vm-loso", body, AgentTesting.SECRET, AgentTesting.WORKER, now());
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.json().get("success").asBoolean()).isFalse();
        }
        assertThat(call("POST", "/stop/quack_0000000000", "", AgentTesting.SECRET, AgentTesting.WORKER, now()).status())
                .isEqualTo(404);
    }

    @Test
    void aProvisionerGetsTheRouteItsOutputIsTheLogAndStopEndsItsTree() throws Exception {
        Path provisioners = Files.createDirectories(dir.resolve("provisioners"));
        Path linux = provisioners.resolve("linux");
        Files.writeString(linux, "#!/bin/sh\necho \"provisioning $1\"\necho oops >&2\necho pid=$$\n"
                + "trap 'echo cleaning up; exit 0' TERM\nwhile true; do sleep 1; done\n");
        Files.setPosixFilePermissions(linux, PosixFilePermissions.fromString("rwx------"));
        start(Optional.of(provisioners));
        Path windows = provisioners.resolve("windows");
        Files.writeString(windows, "#!/bin/sh\necho hi\n"); // not executable

        String logUrl = call("POST", "/vm-loso", "{\"action\":1}", AgentTesting.SECRET, AgentTesting.WORKER, now())
                .json().get("logUrl").asText();
        String route = logUrl.substring("/log/".length());
        await().atMost(Duration.ofSeconds(10)).until(() -> signedGet(logUrl).body().contains("pid="));
        String log = signedGet(logUrl).body();
        assertThat(log).contains("provisioning " + route + "\n", "oops\n");
        long pid = Long.parseLong(log.replaceAll("(?s).*pid=(\\d+).*", "$1"));

        assertThat(call("POST", "/stop/" + route, "", AgentTesting.SECRET, AgentTesting.WORKER, now()).status())
                .isEqualTo(200);

        assertThat(signedGet(logUrl).body()).contains("cleaning up\n").endsWith("Status: stopped\n");
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        Http.Response refused = call("POST", "/vm-loso", "{\"action\":2}", AgentTesting.SECRET, AgentTesting.WORKER, now());
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("message").asText()).contains(windows.toString(), "not executable");
    }

    @Test
    void aRepeatedCreateWithOneIdempotencyKeyReturnsTheFirstRouteAndMakesNoSecondVm() throws Exception {
        start(Optional.empty());

        Http.Response first = keyed("{\"action\":3}", "session-1");
        Http.Response again = keyed("{\"action\":3}", "session-1");
        Http.Response other = keyed("{\"action\":3}", "session-2");

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("logUrl").asText()).isEqualTo(first.json().get("logUrl").asText());
        assertThat(other.json().get("logUrl").asText()).isNotEqualTo(first.json().get("logUrl").asText());
        assertThat(vms.routes()).hasSize(2);

        // Many at once with one key still make one VM.
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Http.Response>> racing = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                racing.add(pool.submit(() -> keyed("{\"action\":3}", "session-3")));
            }
            java.util.Set<String> routes = new java.util.HashSet<>();
            for (var f : racing) {
                routes.add(f.get(30, java.util.concurrent.TimeUnit.SECONDS).json().get("logUrl").asText());
            }
            assertThat(routes).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(vms.routes()).hasSize(3);

        Http.Response bad = keyed("{\"action\":3}", "bad key");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("message").asText()).contains("Idempotency-Key");
    }

    @Test
    void theAgentListsItsVmsWithTheirKeysAndWhetherTheyRun() throws Exception {
        start(Optional.empty());
        String keyed = keyed("{\"action\":3}", "session-9").json().get("logUrl").asText().substring("/log/".length());
        String plain = call("POST", "/vm-loso", "{\"action\":3}", AgentTesting.SECRET, AgentTesting.WORKER, now())
                .json().get("logUrl").asText().substring("/log/".length());
        assertThat(call("POST", "/stop/" + plain, "", AgentTesting.SECRET, AgentTesting.WORKER, now()).status())
                .isEqualTo(200);

        Http.Response list = signedGet("/vms");

        assertThat(list.status()).as(list.body()).isEqualTo(200);
        assertThat(list.json().get("vms")).hasSize(2);
        java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> byRoute = new java.util.HashMap<>();
        list.json().get("vms").forEach(vm -> byRoute.put(vm.get("route").asText(), vm));
        assertThat(byRoute.get(keyed).get("idempotency_key").asText()).isEqualTo("session-9");
        assertThat(byRoute.get(keyed).get("running").asBoolean()).isTrue();
        assertThat(byRoute.get(keyed).get("action").asInt()).isEqualTo(3);
        assertThat(Instant.parse(byRoute.get(keyed).get("created_at").asText())).isNotNull();
        assertThat(byRoute.get(plain).get("idempotency_key").isNull()).isTrue();
        assertThat(byRoute.get(plain).get("running").asBoolean()).isFalse();
        assertUnauthorized(http.get("/vms"));
    }

    private Http.Response keyed(String body, String key) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String ts = now();
        return http.send(http.request("/vm-loso", HmacSignature.WORKER_HEADER, AgentTesting.WORKER,
                        HmacSignature.TIMESTAMP_HEADER, ts, HmacSignature.SIGNATURE_HEADER,
                        HmacSignature.sign(HmacSignature.key(AgentTesting.SECRET), "POST", "/vm-loso", ts, bytes),
                        "Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
    }

    private void start(Optional<Path> provisioners) {
        WorkerKey key = new WorkerKey(AgentTesting.WORKER, AgentTesting.SECRET, Clock.systemUTC());
        vms = new VirtualMachines(provisioners, dir.resolve("logs"), "203.0.113.5",
                new ShellRunner(1 << 20, Duration.ofSeconds(2), List.of()), new SecureRandom());
        api = new VmApi("127.0.0.1", 0, key, vms, Json.mapper(), new SecureRandom());
        api.start();
        http = new Http("http://127.0.0.1:" + api.port());
    }

    /** A request signed the way Vectis signs its calls to a worker. */
    private Http.Response call(String method, String target, String body, String secret, String worker, String ts) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder b = http.request(target, HmacSignature.WORKER_HEADER, worker,
                HmacSignature.TIMESTAMP_HEADER, ts,
                HmacSignature.SIGNATURE_HEADER, HmacSignature.sign(HmacSignature.key(secret), method,
                        URI.create(http.base() + target).getRawPath()
                                + (URI.create(http.base() + target).getRawQuery() == null ? ""
                                : "?" + URI.create(http.base() + target).getRawQuery()), ts, bytes));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes));
        return http.send(b);
    }

    private Http.Response signedGet(String target) {
        return call("GET", target, null, AgentTesting.SECRET, AgentTesting.WORKER, now());
    }

    private static String now() {
        return Long.toString(Instant.now().getEpochSecond());
    }

    private static void assertUnauthorized(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(401);
        assertThat(r.json().get("success").asBoolean()).isFalse();
        assertThat(r.json().get("message").asText()).isEqualTo("invalid signature");
    }
}
