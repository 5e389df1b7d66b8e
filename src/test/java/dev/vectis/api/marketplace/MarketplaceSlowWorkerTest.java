package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * A worker that answers with headers and then one byte every 200 ms, beside healthy ones: every
 * call to it ends at the deadline, and the healthy workers' sessions become ready, fail and are
 * refunded, and are deleted, at their own pace, while it drips.
 */
class MarketplaceSlowWorkerTest {

    /** Far beyond the 2 s deadline: a call that is not cut at the deadline lasts the whole drip. */
    private static final Duration BOUND = Duration.ofSeconds(15);

    @DbTest
    void aDrippingWorkerHoldsUpNoOneElse(TestDatabase db) {
        // The breaker stays out of it (1000 failures): the lanes alone keep the others going.
        try (FakeVmWorker dripping = FakeVmWorker.start("drip");
             FakeVmWorker healthy = FakeVmWorker.start("ok");
             FakeVmWorker failing = FakeVmWorker.start("bad");
             TestApp app = Market.start(db, Map.of("VECTIS_MARKETPLACE_WORKER_TIMEOUT_SECONDS", "2",
                     "VECTIS_MARKETPLACE_BREAKER_FAILURES", "1000"))) {
            dripping.ready = false;
            failing.style = FakeVmWorker.Style.LINUX;
            failing.lineEvery = Duration.ofMillis(50);
            failing.failWith = "Error: no capacity for Ubuntu 22.04";
            String slowProduct = Market.product(app, "Slow", 10, Market.worker(app, dripping, 10));
            String okProduct = Market.product(app, "Ok", 10, Market.worker(app, healthy, 10));
            String badProduct = Market.product(app, "Bad", 10, Market.worker(app, failing, 10));
            JsonNode user = Market.user(app, "patient@example.com", 1000);
            String token = user.get("token").asText();
            String userId = user.get("id").asText();
            // Sessions on the slow worker, bought while it still answered: their log is read every round.
            List<String> slow = List.of(Market.bought(app, token, "s1", slowProduct).get("id").asText(),
                    Market.bought(app, token, "s2", slowProduct).get("id").asText());
            dripping.drip = Duration.ofMillis(200);

            long started = System.nanoTime();
            Http.Response stuck = Market.purchase(app, token, "s3", slowProduct);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the purchase ends at the deadline")
                    .isLessThan(BOUND);
            assertThat(stuck.status()).as(stuck.body()).isEqualTo(201);
            assertThat(stuck.json().get("status").asText()).as("the worker may have made it: held, not refunded")
                    .isEqualTo("pending");
            Awaitility.await("the dripping answer is cut off").atMost(BOUND).until(() -> dripping.cutOff.get() > 0);

            String ready = Market.bought(app, token, "o1", okProduct).get("id").asText();
            Market.awaitStatus(app, token, ready, "ready");
            String refunded = Market.bought(app, token, "b1", badProduct).get("id").asText();
            Market.awaitStatus(app, token, refunded, "failed");
            assertThat(Market.entriesWithOp(app, userId, "refund")).extracting(e -> e.get("session_id").asText())
                    .containsExactly(refunded);

            // A stop that fails once is retried in the background, and deletes.
            healthy.stopFailures.set(1);
            Http.Response deleting = app.http.method("DELETE", "/vps/sessions/" + ready, null, Market.bearer(token));
            assertThat(deleting.status()).as(deleting.body()).isEqualTo(202);
            Awaitility.await("the retried stop deletes it").atMost(Market.SETTLE)
                    .until(() -> Market.adminSession(app, ready).get("status").asText().equals("deleted"));

            // Calls from users to the slow worker end at the deadline too.
            started = System.nanoTime();
            Http.Response log = app.http.get("/vps/sessions/" + slow.get(0) + "/log", Market.bearer(token));
            assertThat(log.status()).as(log.body()).isEqualTo(503);
            Http.Response delete = app.http.method("DELETE", "/vps/sessions/" + slow.get(1), null, Market.bearer(token));
            assertThat(delete.status()).as(delete.body()).isEqualTo(202);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(BOUND.multipliedBy(2));
            assertThat(Market.session(app, token, slow.get(0)).json().get("status").asText()).isEqualTo("provisioning");
        }
    }

    @DbTest
    void aFailingWorkersBreakerOpensForOperatorsToSeeAndClosesAfterAProbe(TestDatabase db) {
        MutableClock clock = new MutableClock(Instant.now());
        try (FakeVmWorker fake = FakeVmWorker.start(); FakeVmWorker other = FakeVmWorker.start("other");
             TestApp app = Market.start(db, Map.of("VECTIS_MARKETPLACE_BREAKER_FAILURES", "3",
                     "VECTIS_MARKETPLACE_BREAKER_OPEN_SECONDS", "60"), clock)) {
            fake.failAll = true;
            String workerId = Market.worker(app, fake, 10);
            String otherId = Market.worker(app, other, 10);
            String productId = Market.product(app, "VPS", 10, workerId);
            JsonNode user = Market.user(app, "breaker@example.com", 1000);
            String token = user.get("token").asText();

            Awaitility.await("the breaker opens").atMost(Market.SETTLE).until(() -> {
                Http.Response r = Market.purchase(app, token, "k-" + System.nanoTime(), productId);
                return r.status() == 503;
            });
            JsonNode circuit = Market.workerView(app, workerId).get("circuit");
            assertThat(circuit.get("state").asText()).isEqualTo("open");
            assertThat(circuit.get("recent_failures").asInt()).isEqualTo(3);
            assertThat(circuit.get("last_error").asText()).contains("500");
            assertThat(Instant.parse(circuit.get("retry_at").asText()))
                    .isEqualTo(Instant.parse(circuit.get("opened_at").asText()).plusSeconds(60));
            assertThat(fake.calls()).as("three failed calls, then none").hasSize(3);
            Http.Response refused = Market.purchase(app, token, "after-open", productId);
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.json().get("message").asText()).contains("failing to answer");
            assertThat(fake.calls()).hasSize(3);
            assertThat(Market.workerView(app, otherId).get("circuit").get("state").asText()).isEqualTo("closed");
            assertThat(app.http.get("/metrics").body())
                    .contains("vectis_worker_circuit_state{worker_id=\"" + workerId + "\"} 2.0");

            fake.failAll = false;
            clock.advance(Duration.ofSeconds(61));
            Awaitility.await("a probe closes it").atMost(Market.SETTLE).until(() ->
                    Market.workerView(app, workerId).get("circuit").get("state").asText().equals("closed"));
            JsonNode bought = Market.bought(app, token, "after-close", productId);
            assertThat(bought.get("status").asText()).isEqualTo("provisioning");
            List<String> types = app.app().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT type FROM events WHERE worker_id = :w AND type LIKE 'worker.circuit%' ORDER BY id")
                    .bind("w", workerId).mapTo(String.class).list());
            assertThat(types).containsExactly("worker.circuit_open", "worker.circuit_half_open",
                    "worker.circuit_closed");
        }
    }
}
