package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;

/** At the provisioning timeout each product does what it is set to: stop and refund, or keep and flag. */
class MarketplaceTimeoutTest {

    @DbTest
    void byDefaultTheVmIsStoppedAndRefundedAndTheMessageSaysForHowLongAndWhy(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db, Map.of(), clock)) {
            Sale sale = Sale.timingOutIn20Seconds(app, fake, "Quick");
            String workerId = sale.workerId();
            JsonNode user = sale.user();
            String token = user.get("token").asText();
            String sessionId = sale.sessionId();
            Awaitility.await().atMost(Market.SETTLE).until(() -> !fake.calls("GET", "/log/").isEmpty());

            clock.advance(Duration.ofSeconds(21));
            app.app().features().vpsSessions().tick().join();
            MarketplaceWorkerFailureTest.assertFailedAndRefunded(app, token, user.get("id").asText(), sessionId,
                    workerId, fake, 10, 10);
            String error = Market.session(app, token, sessionId).json().get("error").asText();
            assertThat(error).contains("within 20 seconds").doesNotContain("0 minutes")
                    .contains("on_provision_timeout is \"refund\"");
            assertThat(fake.calls("POST", "/stop/")).hasSize(1);
        }
    }

    @DbTest
    void aProductSetToKeepFlagsTheSessionForAnOperatorAndKeepsTheVm(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db, Map.of(), clock)) {
            fake.ready = false;
            String workerId = Market.worker(app, fake, 3);
            String productId = Market.productWith(app, "Patient", Map.of("provision_timeout_seconds", 90,
                    "on_provision_timeout", "keep"), workerId);
            JsonNode user = Market.user(app, "patient@example.com", 20);
            String userId = user.get("id").asText();
            String token = user.get("token").asText();
            String refunded = Market.bought(app, token, "k1", productId).get("id").asText();
            String lateReady = Market.bought(app, token, "k2", productId).get("id").asText();
            Awaitility.await().atMost(Market.SETTLE).until(() -> fake.calls("GET", "/log/").size() >= 2);

            clock.advance(Duration.ofSeconds(91));
            app.app().features().vpsSessions().tick().join();
            for (String id : new String[] {refunded, lateReady}) {
                JsonNode view = Market.adminSession(app, id);
                assertThat(view.get("status").asText()).isEqualTo("provisioning");
                assertThat(view.get("flagged").asBoolean()).isTrue();
                assertThat(view.get("status_reason").asText()).contains("within 1 minute 30 seconds")
                        .contains("on_provision_timeout is \"keep\"").contains("operator");
                assertThat(Market.session(app, token, id).json().get("status_reason").asText())
                        .as("the owner is told too").contains("operator");
            }
            assertThat(Market.balance(app, userId)).as("nothing refunded").isZero();
            assertThat(fake.calls("POST", "/stop/")).as("the VMs are kept").isEmpty();
            Http.Response flagged = app.http.get("/admin/vps-sessions?flagged=true", TestApp.admin());
            assertThat(flagged.status()).isEqualTo(200);
            assertThat(flagged.json().get("count").asInt()).isEqualTo(2);
            String flaggedAt = Market.adminSession(app, refunded).get("flagged_at").asText();
            clock.advance(Duration.ofMinutes(5));
            app.app().features().vpsSessions().tick().join();
            assertThat(Market.adminSession(app, refunded).get("flagged_at").asText()).as("flagged once")
                    .isEqualTo(flaggedAt);

            Http.Response resolved = app.http.post("/admin/vps-sessions/" + refunded + "/resolve",
                    "{\"action\":\"refund\"}", TestApp.admin());
            assertThat(resolved.status()).as(resolved.body()).isEqualTo(200);
            assertThat(resolved.json().get("status").asText()).isEqualTo("failed");
            assertThat(Market.balance(app, userId)).isEqualTo(10);
            assertThat(fake.calls("POST", "/stop/")).hasSize(1);

            // The other VM is still watched, and its log may yet say it is ready.
            fake.ready = true;
            JsonNode ready = Market.awaitStatus(app, token, lateReady, "ready");
            assertThat(ready.get("status_reason").asText()).contains("ready_patterns[");
            assertThat(app.http.get("/admin/vps-sessions?flagged=true", TestApp.admin()).json().get("count").asInt())
                    .isZero();
        }
    }

    @DbTest
    void theSessionsOfAWorkerWhoseCircuitIsOpenAreNotReadButStillTimeOut(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db, Map.of(
                "VECTIS_MARKETPLACE_BREAKER_FAILURES", "1", "VECTIS_MARKETPLACE_BREAKER_OPEN_SECONDS", "3600"), clock)) {
            Sale sale = Sale.timingOutIn20Seconds(app, fake, "Unlucky");
            String workerId = sale.workerId();
            JsonNode user = sale.user();
            String token = user.get("token").asText();
            String sessionId = sale.sessionId();
            fake.failAll = true;
            Awaitility.await().atMost(Market.SETTLE).until(() -> Market.workerView(app, workerId).get("circuit")
                    .get("state").asText().equals("open"));
            int reads = fake.calls("GET", "/log/").size();

            app.app().features().vpsSessions().tick().join();
            assertThat(fake.calls("GET", "/log/")).as("no log is read while the circuit is open").hasSize(reads);
            clock.advance(Duration.ofSeconds(21));
            app.app().features().vpsSessions().tick().join();
            JsonNode session = Market.session(app, token, sessionId).json();
            assertThat(session.get("status").asText()).as("the timeout still applies").isEqualTo("failed");
            assertThat(session.get("error").asText()).contains("within 20 seconds");
            assertThat(Market.balance(app, user.get("id").asText())).as("refunded").isEqualTo(10);
            assertThat(fake.calls("GET", "/log/")).hasSize(reads);
        }
    }

    /** A session bought for 10 coins on a product with a 20 s timeout, on a worker whose VM never gets ready. */
    private record Sale(String workerId, JsonNode user, String sessionId) {

        static Sale timingOutIn20Seconds(TestApp app, FakeVmWorker fake, String product) {
            fake.ready = false;
            String workerId = Market.worker(app, fake, 3);
            String productId = Market.productWith(app, product, Map.of("provision_timeout_seconds", 20), workerId);
            JsonNode user = Market.user(app, product.toLowerCase(java.util.Locale.ROOT) + "@example.com", 10);
            String sessionId = Market.bought(app, user.get("token").asText(), "k", productId).get("id").asText();
            return new Sale(workerId, user, sessionId);
        }
    }
}
