package dev.vectis.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.http.Json;
import dev.vectis.process.ShellRunner;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import dev.vectis.testing.WorkerProxy;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/**
 * The marketplace and Vectis's own agent agree on the agent's VMs whatever was lost on the way:
 * a request for a VM whose answer never came back is adopted, one that never arrived is made
 * once with the same key, and a VM that no session holds is stopped. The agent's VM API runs in
 * this JVM behind a proxy that loses what the test asks it to.
 */
class VmReconcileTest {

    private static final String SECRET = "5e".repeat(32);

    @TempDir
    Path dir;

    /** A server, an enrolled agent's VM API behind a proxy, a product on it, and a user with coins. */
    private final class Rig implements AutoCloseable {
        final TestApp app;
        final VirtualMachines vms;
        final VmApi api;
        final WorkerProxy proxy;
        final String workerId;
        String productId;
        String token;
        String userId;

        Rig(TestDatabase db, Clock clock) {
            app = TestApp.start(db, Map.of("VECTIS_MARKETPLACE_WORKER_TIMEOUT_SECONDS", "3"), clock);
            Http.Response enrolled = app.http.post("/api/v1/workers",
                    "{\"ip\":\"203.0.113.9\",\"secret\":\"" + SECRET + "\"}", TestApp.worker());
            assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(201);
            workerId = enrolled.json().get("id").asText();
            vms = new VirtualMachines(Optional.empty(), dir.resolve("vm-logs"), "203.0.113.9",
                    new ShellRunner(1 << 20, Duration.ofSeconds(2), List.of()), new SecureRandom());
            api = new VmApi("127.0.0.1", 0, new WorkerKey(workerId, SECRET, Clock.systemUTC()), vms, Json.mapper(),
                    new SecureRandom());
            api.start();
            proxy = WorkerProxy.to("http://127.0.0.1:" + api.port());
        }

        /** Gives the agent its base URL (from now on the marketplace calls it), a product and a buyer. */
        Rig open() {
            Http.Response patched = app.http.method("PATCH", "/admin/workers/" + workerId,
                    "{\"base_url\":\"" + proxy.url() + "\",\"max_sessions\":3}", TestApp.admin()[0], TestApp.admin()[1],
                    "Content-Type", "application/json");
            assertThat(patched.status()).as(patched.body()).isEqualTo(200);
            Http.Response product = app.http.post("/admin/vps-products", "{\"name\":\"Test VM\",\"price_coins\":10,"
                    + "\"provision_action\":3,\"worker_ids\":[\"" + workerId + "\"]}", TestApp.admin());
            assertThat(product.status()).as(product.body()).isEqualTo(201);
            productId = product.json().get("id").asText();
            JsonNode user = app.http.post("/admin/users", "{\"email\":\"buyer@example.com\",\"name\":\"Buyer\","
                    + "\"coins\":100}", TestApp.admin()).json();
            token = user.get("token").asText();
            userId = user.get("id").asText();
            return this;
        }

        JsonNode buy(String key) {
            Http.Response r = app.http.post("/vps/purchase-and-create", "{\"product_id\":\"" + productId + "\"}",
                    "Authorization", "Bearer " + token, "Idempotency-Key", key);
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            return r.json();
        }

        JsonNode admin(String sessionId) {
            return app.http.get("/admin/vps-sessions/" + sessionId, TestApp.admin()).json();
        }

        JsonNode awaitStatus(String sessionId, String status) {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> admin(sessionId).get("status").asText().equals(status));
            return admin(sessionId);
        }

        long refunds() {
            return app.app().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT COUNT(*) FROM ledger_entries WHERE user_id = :u AND op = 'refund'").bind("u", userId)
                    .mapTo(Long.class).one());
        }

        @Override
        public void close() throws Exception {
            app.close();
            proxy.close();
            api.stop();
            vms.stopAll();
        }
    }

    @DbTest
    void aVmWhoseAnswerWasLostIsAdoptedAndNotMadeTwice(TestDatabase db) throws Exception {
        try (Rig rig = new Rig(db, Clock.systemUTC()).open()) {
            rig.proxy.create = WorkerProxy.Create.DROP_ANSWER;

            JsonNode bought = rig.buy("lost-answer");
            String id = bought.get("id").asText();

            assertThat(bought.get("status").asText()).isEqualTo("pending");
            assertThat(bought.get("status_reason").asText()).contains("not known yet");
            assertThat(rig.vms.routes()).as("the agent made the VM").hasSize(1);
            JsonNode held = rig.admin(id);
            assertThat(held.get("holds_slot").asBoolean()).isTrue();
            assertThat(held.get("vm_request").get("in_doubt").asBoolean()).isTrue();

            rig.proxy.create = WorkerProxy.Create.PASS;
            rig.app.app().features().vpsSessions().tick().join();

            JsonNode adopted = rig.awaitStatus(id, "ready");
            assertThat(adopted.get("route").asText()).isEqualTo(rig.vms.routes().get(0));
            assertThat(rig.vms.routes()).as("no second VM").hasSize(1);
            assertThat(adopted.get("vm_request").get("in_doubt").asBoolean()).isFalse();
            assertThat(rig.refunds()).isZero();
            int told = rig.app.app().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT COUNT(*) FROM vps_session_events WHERE session_id = :s AND data LIKE '%found on the worker%'")
                    .bind("s", id).mapTo(Integer.class).one());
            assertThat(told).as("the owner was told what happened").isPositive();
        }
    }

    @DbTest
    void aRequestThatNeverArrivedIsMadeOnceWithTheSameKey(TestDatabase db) throws Exception {
        try (Rig rig = new Rig(db, Clock.systemUTC()).open()) {
            rig.proxy.create = WorkerProxy.Create.DROP_REQUEST;

            String id = rig.buy("lost-request").get("id").asText();

            assertThat(rig.admin(id).get("vm_request").get("in_doubt").asBoolean()).isTrue();
            assertThat(rig.vms.routes()).isEmpty();

            rig.proxy.create = WorkerProxy.Create.PASS;
            rig.app.app().features().vpsSessions().tick().join();

            JsonNode ready = rig.awaitStatus(id, "ready");
            assertThat(rig.vms.list()).hasSize(1);
            assertThat(rig.vms.list().get(0).key()).as("made under the session's key").isEqualTo(id);
            assertThat(ready.get("route").asText()).isEqualTo(rig.vms.list().get(0).route());
            assertThat(ready.get("status_reason").asText()).isNotNull();
            assertThat(rig.refunds()).isZero();
        }
    }

    @DbTest
    void aVmThatNoSessionHoldsIsStoppedAndTheOthersAreLeftRunning(TestDatabase db) throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        try (Rig rig = new Rig(db, clock)) {
            // Made before the marketplace knew this worker: no session holds it, as after a refund on a guess.
            String stray = rig.vms.create(3, "refunded-long-ago");
            rig.open();
            String id = rig.buy("kept").get("id").asText();
            String route = rig.awaitStatus(id, "ready").get("route").asText();

            rig.app.app().features().vpsSessions().tick().join();

            await().atMost(Duration.ofSeconds(10)).until(() -> rig.vms.list().stream()
                    .anyMatch(vm -> vm.route().equals(stray) && !vm.running()));
            clock.advance(Duration.ofSeconds(31)); // the next comparison of this worker's VMs
            rig.app.app().features().vpsSessions().tick().join();
            assertThat(rig.vms.list()).filteredOn(vm -> vm.route().equals(route)).singleElement()
                    .matches(VirtualMachines.Listed::running, "still running");
            assertThat(rig.admin(id).get("status").asText()).isEqualTo("ready");
            List<String> events = rig.app.app().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT data FROM events WHERE type = 'vps.stray_vm' AND worker_id = :w").bind("w", rig.workerId)
                    .mapTo(String.class).list());
            assertThat(events).singleElement().asString().contains(stray, "refunded-long-ago", "stopped");
            JsonNode worker = rig.app.http.get("/admin/workers", TestApp.admin()).json().get(0);
            assertThat(worker.get("vm_list").get("listed").asBoolean()).isTrue();
        }
    }
}
