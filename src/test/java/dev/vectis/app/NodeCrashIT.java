package dev.vectis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.auth.HmacSignature;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestDatabase;
import dev.vectis.testing.WorkerProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server, killed with SIGKILL in the middle of a purchase storm while the worker
 * (the packaged agent's VM API, its answers to {@code /vm-loso} held back 1.5 s so that VMs
 * exist whose answers the dead node never read) is busy; then a new node on the same database.
 * Once it has reconciled: every balance is the sum of its entries and never negative, no worker
 * holds more sessions than its cap or than the sessions that hold its slots, and every VM the
 * agent runs belongs to a session that holds a slot, and the other way round. On PostgreSQL and
 * on the embedded H2 database in file mode.
 */
class NodeCrashIT {

    private static final Path JAR = Path.of(System.getProperty("vectis.jar", "target/vectis.jar"));
    private static final String ADMIN = "crash-admin-token-0123456789abcdef01";
    private static final String WORKER_TOKEN = "crash-worker-token-0123456789abcdef";
    private static final String[] AUTH = {"Authorization", "Bearer " + ADMIN};
    private static final int CAP = 12;
    private static final int BUYERS = 8;
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // the nodes' and the agent's logs, when it fails
    Path dir;

    @DbTest
    void aNodeKilledMidPurchaseStormLeavesNoMoneyCapacityOrVmUnaccountedFor(TestDatabase db) throws Exception {
        int port = freePort();
        int vmPort = freePort();
        Map<String, String> env = new HashMap<>(db.isPostgres() ? db.env() : Map.of()); // H2: a file in data/
        env.put("VECTIS_SERVER_PORT", Integer.toString(port));
        env.put("VECTIS_SERVER_HOST", "127.0.0.1");
        env.put("VECTIS_DATA_DIR", dir.resolve("data").toString());
        env.put("VECTIS_ADMIN_TOKEN", ADMIN);
        env.put("VECTIS_WORKER_TOKENS", WORKER_TOKEN);
        env.put("VECTIS_RATE_LIMIT_ENABLED", "false");
        env.put("VECTIS_MARKETPLACE_WORKER_TIMEOUT_SECONDS", "5");
        Http http = new Http("http://127.0.0.1:" + port);
        List<Process> started = new ArrayList<>();
        try (WorkerProxy proxy = WorkerProxy.to("http://127.0.0.1:" + vmPort)) {
            Process first = start(List.of("java", "-jar", JAR.toString(), "server"), env, "node-1.log");
            started.add(first);
            awaitHealthy(http);
            Path config = dir.resolve("agent");
            started.add(start(List.of("java", "-jar", JAR.toString(), "agent", "--server", http.base(), "--token",
                    WORKER_TOKEN, "--config-dir", config.toString(), "--ip", "127.0.0.1", "--vm-port",
                    Integer.toString(vmPort), "--heartbeat-seconds", "2"), Map.of(), "agent.log"));
            String workerId = awaitEnrolled(config);
            String secret = Files.readString(config.resolve("worker.secret")).strip();
            String agentVms = "http://127.0.0.1:" + vmPort;
            await("the agent's VM API").atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> signedGet(agentVms, "/vms", workerId, secret).status() == 200);

            proxy.createAnswerDelay = Duration.ofSeconds(3);
            assertThat(http.method("PATCH", "/admin/workers/" + workerId, "{\"base_url\":\"" + proxy.url()
                    + "\",\"max_sessions\":" + CAP + "}", AUTH[0], AUTH[1], "Content-Type", "application/json")
                    .status()).isEqualTo(200);
            Http.Response product = http.post("/admin/vps-products", "{\"name\":\"Test VM\",\"price_coins\":10,"
                    + "\"provision_action\":3,\"worker_ids\":[\"" + workerId + "\"]}", AUTH);
            assertThat(product.status()).as(product.body()).isEqualTo(201);
            List<String[]> users = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                JsonNode u = http.post("/admin/users", "{\"email\":\"buyer" + i + "@example.com\",\"name\":\"Buyer\","
                        + "\"coins\":200}", AUTH).json();
                users.add(new String[] {u.get("id").asText(), u.get("token").asText()});
            }

            // The storm: buy and delete, until the node dies under it.
            AtomicBoolean storming = new AtomicBoolean(true);
            AtomicInteger bought = new AtomicInteger();
            ExecutorService buyers = Executors.newFixedThreadPool(BUYERS);
            for (int b = 0; b < BUYERS; b++) {
                String[] user = users.get(b % users.size());
                int buyer = b;
                buyers.submit(() -> storm(http, user[1], product.json().get("id").asText(), buyer, storming, bought));
            }
            // Kill when VMs exist whose answers the node has not read. Their intents were committed two
            // seconds before: longer than the embedded H2 keeps commits in memory (it writes every second).
            await("VMs made whose answers the node has not read").atMost(PATIENCE).pollInterval(Duration.ofMillis(20))
                    .until(() -> bought.get() >= 2 && proxy.heldAtLeast(Duration.ofSeconds(2)) >= 2);
            first.destroyForcibly(); // SIGKILL
            assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
            storming.set(false);
            buyers.shutdown();
            assertThat(buyers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            proxy.createAnswerDelay = Duration.ZERO;

            started.add(start(List.of("java", "-jar", JAR.toString(), "server"), env, "node-2.log"));
            awaitHealthy(http);
            await("every session settled").atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> sessions(http).stream().noneMatch(s -> Set.of("pending", "stopping")
                            .contains(s.get("status").asText())));

            List<JsonNode> sessions = sessions(http);
            assertThat(workerEvents(http, workerId)).as("VMs the dead node asked for and never heard of were adopted")
                    .anyMatch(e -> e.contains("found on the worker and taken over"));
            for (String[] user : users) {
                assertLedger(http, user[0]);
            }
            JsonNode worker = null;
            for (JsonNode w : http.get("/admin/workers", AUTH).json()) {
                if (w.get("id").asText().equals(workerId)) {
                    worker = w;
                }
            }
            assertThat(worker).isNotNull();
            List<JsonNode> holding = sessions.stream().filter(s -> s.get("holds_slot").asBoolean()).toList();
            assertThat(worker.get("active_sessions").asInt()).as("the slot count is the sessions that hold one")
                    .isEqualTo(holding.size()).isLessThanOrEqualTo(CAP);
            Set<String> tracked = new HashSet<>();
            holding.forEach(s -> tracked.add(s.get("route").asText()));
            Set<String> running = new HashSet<>();
            for (JsonNode vm : signedGet(agentVms, "/vms", workerId, secret).json().get("vms")) {
                if (vm.get("running").asBoolean()) {
                    running.add(vm.get("route").asText());
                }
            }
            assertThat(running).as("every VM the agent runs belongs to a session holding a slot, and back")
                    .isEqualTo(tracked);
        } finally {
            for (Process p : started) {
                p.destroy();
            }
            for (Process p : started) {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    private static void storm(Http http, String token, String productId, int buyer, AtomicBoolean storming,
                              AtomicInteger bought) {
        for (int i = 0; storming.get(); i++) {
            try {
                Http.Response r = http.post("/vps/purchase-and-create", "{\"product_id\":\"" + productId + "\"}",
                        "Authorization", "Bearer " + token, "Idempotency-Key", "storm-" + buyer + "-" + i);
                if (r.status() == 201 && r.json().get("status").asText().equals("provisioning")) {
                    bought.incrementAndGet();
                    http.method("DELETE", "/vps/sessions/" + r.json().get("id").asText(), null, "Authorization",
                            "Bearer " + token);
                }
            } catch (RuntimeException e) {
                return; // the node is gone
            }
        }
    }

    /** A balance is the sum of its entries; no entry, and so no balance, was ever negative. */
    private static void assertLedger(Http http, String userId) {
        long balance = http.get("/admin/users/" + userId, AUTH).json().get("coins").asLong();
        long sum = 0;
        String cursor = null;
        do {
            JsonNode page = http.get("/admin/users/" + userId + "/ledger?limit=100"
                    + (cursor == null ? "" : "&cursor=" + cursor), AUTH).json();
            for (JsonNode e : page.get("entries")) {
                sum += e.get("delta").asLong();
                assertThat(e.get("balance_after").asLong()).isNotNegative();
            }
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);
        assertThat(balance).isNotNegative().isEqualTo(sum);
    }

    /** The worker's events, as text, newest first. */
    private static List<String> workerEvents(Http http, String workerId) {
        List<String> all = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = http.get("/api/v1/workers/" + workerId + "/events?limit=1000"
                    + (cursor == null ? "" : "&cursor=" + cursor), AUTH).json().get("data");
            page.get("events").forEach(e -> all.add(e.toString()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null);
        return all;
    }

    private static List<JsonNode> sessions(Http http) {
        List<JsonNode> all = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = http.get("/admin/vps-sessions?limit=500" + (cursor == null ? "" : "&cursor=" + cursor),
                    AUTH).json();
            page.get("sessions").forEach(all::add);
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);
        return all;
    }

    private static Http.Response signedGet(String base, String path, String workerId, String secret) {
        Http vm = new Http(base);
        String ts = Long.toString(Instant.now().getEpochSecond());
        return vm.send(vm.request(path, HmacSignature.WORKER_HEADER, workerId, HmacSignature.TIMESTAMP_HEADER, ts,
                HmacSignature.SIGNATURE_HEADER, HmacSignature.sign(HmacSignature.key(secret), "GET", path, ts,
                        new byte[0])).GET());
    }

    private String awaitEnrolled(Path config) {
        await().atMost(PATIENCE).until(() -> Files.exists(config.resolve("worker.conf")));
        Matcher m = Pattern.compile("(?m)^WORKER_ID=\"?([^\"\\s]+)").matcher(read(config.resolve("worker.conf")));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static void awaitHealthy(Http http) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> http.get("/health").status() == 200);
    }

    private Process start(List<String> command, Map<String, String> env, String log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("VECTIS_") || k.startsWith("PROVIDER_REGISTRY_"));
        pb.environment().putAll(env);
        return pb.start();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
