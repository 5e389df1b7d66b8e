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
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * DELETE stops the VM on its worker. A 4xx (but 408 and 429) means the worker no longer has the
 * VM: the session ends at once. Anything else is retried with a wait that doubles up to a
 * ceiling, and operators see the attempts, the last error and the next try.
 */
class MarketplaceStopTest {

    record Bought(TestApp app, String workerId, String token, String sessionId) {
    }

    static Bought readySession(TestApp app, FakeVmWorker fake, String email) {
        fake.style = FakeVmWorker.Style.WINDOWS;
        fake.lineEvery = Duration.ofMillis(1);
        String workerId = Market.worker(app, fake, 1);
        String productId = Market.product(app, "Windows VPS", 10, workerId);
        String token = Market.user(app, email, 10).get("token").asText();
        String sessionId = Market.bought(app, token, "k", productId).get("id").asText();
        Market.awaitStatus(app, token, sessionId, "ready");
        return new Bought(app, workerId, token, sessionId);
    }

    static Http.Response delete(Bought b) {
        return b.app().http.method("DELETE", "/vps/sessions/" + b.sessionId(), null, Market.bearer(b.token()));
    }

    static long nextTry(JsonNode adminView) {
        return Instant.parse(adminView.get("stop").get("next_try_at").asText()).toEpochMilli();
    }

    @DbTest
    void aWorkerThatAnswers400ToTheStopNoLongerHasTheVmAndTheSlotIsFreedAtOnce(TestDatabase db) {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            Bought b = readySession(app, fake, "gone@example.com");
            fake.lose(fake.routes().get(0));

            Http.Response r = delete(b);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().get("status").asText()).isEqualTo("deleted");
            assertThat(Market.activeSessions(app, b.workerId())).isZero();
            assertThat(fake.calls("POST", "/stop/")).as("asked once, not retried").hasSize(1);
            JsonNode view = Market.adminSession(app, b.sessionId());
            assertThat(view.get("status_reason").asText()).contains("no longer has the VM").contains("400");
            assertThat(view.get("stop").get("last_error").asText()).as("the worker's words, for operators")
                    .contains("No active token found for this route");
            assertThat(view.get("holds_slot").asBoolean()).isFalse();
        }
    }

    @DbTest
    void aStopAnswered500IsRetriedWithGrowingWaitsThatOperatorsCanSee(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db, Map.of(), clock)) {
            Bought b = readySession(app, fake, "flaky@example.com");
            fake.stopFailures.set(3);

            Http.Response r = delete(b);
            assertThat(r.status()).as(r.body()).isEqualTo(202);
            assertThat(r.json().get("status").asText()).isEqualTo("stopping");
            JsonNode first = Market.adminSession(app, b.sessionId());
            assertThat(first.get("stop").get("attempts").asInt()).isEqualTo(1);
            assertThat(first.get("stop").get("last_error").asText()).contains("500").contains("upstream unavailable");
            assertThat(nextTry(first)).isEqualTo(clock.millis() + 2_000);
            assertThat(Market.activeSessions(app, b.workerId())).as("the slot waits for the stop").isEqualTo(1);

            app.app().features().vpsSessions().tick().join();
            assertThat(fake.calls("POST", "/stop/")).as("not due yet").hasSize(1);

            clock.advance(Duration.ofSeconds(2));
            app.app().features().vpsSessions().tick().join();
            Awaitility.await().atMost(Market.SETTLE).until(() -> fake.calls("POST", "/stop/").size() == 2);
            Awaitility.await().atMost(Market.SETTLE).until(() ->
                    Market.adminSession(app, b.sessionId()).get("stop").get("attempts").asInt() == 2);
            assertThat(nextTry(Market.adminSession(app, b.sessionId()))).isEqualTo(clock.millis() + 4_000);

            clock.advance(Duration.ofSeconds(3));
            app.app().features().vpsSessions().tick().join();
            assertThat(fake.calls("POST", "/stop/")).as("the second wait is longer").hasSize(2);
            clock.advance(Duration.ofSeconds(1));
            app.app().features().vpsSessions().tick().join();
            Awaitility.await().atMost(Market.SETTLE).until(() ->
                    Market.adminSession(app, b.sessionId()).get("stop").get("attempts").asInt() == 3);
            assertThat(nextTry(Market.adminSession(app, b.sessionId()))).isEqualTo(clock.millis() + 8_000);

            Http.Response list = app.http.get("/admin/vps-sessions?status=stopping", TestApp.admin());
            assertThat(list.json().get("count").asInt()).isEqualTo(1);
            assertThat(list.json().get("sessions").get(0).get("stop").get("attempts").asInt()).isEqualTo(3);
            assertThat(Market.count(app, "SELECT COUNT(*) FROM events WHERE type = 'vps.stop_retry'"))
                    .as("each failed attempt is an event for operators").isEqualTo(3);

            clock.advance(Duration.ofSeconds(8));
            app.app().features().vpsSessions().tick().join();
            Awaitility.await().atMost(Market.SETTLE).until(() -> Market.sessionStatusInDb(app, b.sessionId())
                    .equals("deleted"));
            assertThat(fake.calls("POST", "/stop/")).hasSize(4);
            assertThat(Market.activeSessions(app, b.workerId())).isZero();
        }
    }

    @DbTest
    void theWaitBetweenRetriesIsBoundedAnd429AndRefusedConnectionsAreRetried(TestDatabase db) {
        MutableClock clock = new MutableClock();
        FakeVmWorker fake = FakeVmWorker.start();
        try (TestApp app = Market.start(db, Map.of("VECTIS_MARKETPLACE_STOP_RETRY_MAX_SECONDS", "5"), clock)) {
            Bought b = readySession(app, fake, "busy@example.com");
            fake.stopStatus = 429;
            assertThat(delete(b).status()).isEqualTo(202);
            long[] waits = {2_000, 4_000, 5_000, 5_000};
            for (int attempt = 1; attempt <= waits.length; attempt++) {
                int expected = attempt;
                Awaitility.await().atMost(Market.SETTLE).until(() ->
                        Market.adminSession(app, b.sessionId()).get("stop").get("attempts").asInt() == expected);
                JsonNode view = Market.adminSession(app, b.sessionId());
                assertThat(nextTry(view)).as("wait after attempt %d", attempt).isEqualTo(clock.millis() + waits[attempt - 1]);
                assertThat(view.get("status").asText()).isEqualTo("stopping");
                if (attempt == 3) {
                    fake.close(); // from now on the connection is refused
                }
                clock.advance(Duration.ofMillis(waits[attempt - 1]));
                app.app().features().vpsSessions().tick().join();
            }
            Awaitility.await().atMost(Market.SETTLE).until(() ->
                    Market.adminSession(app, b.sessionId()).get("stop").get("attempts").asInt() == 5);
            JsonNode view = Market.adminSession(app, b.sessionId());
            assertThat(view.get("stop").get("last_error").asText()).contains("could not be reached");
            assertThat(nextTry(view)).isEqualTo(clock.millis() + 5_000);
            assertThat(Market.activeSessions(app, b.workerId())).isEqualTo(1);

            // An operator who knows the VM is gone frees the slot.
            Http.Response wrong = app.http.post("/admin/vps-sessions/" + b.sessionId() + "/resolve",
                    "{\"action\":\"ready\"}", TestApp.admin());
            assertThat(wrong.status()).as(wrong.body()).isEqualTo(409);
            Http.Response bad = app.http.post("/admin/vps-sessions/" + b.sessionId() + "/resolve",
                    "{\"action\":\"explode\"}", TestApp.admin());
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().get("field").asText()).isEqualTo("action");
            Http.Response released = app.http.post("/admin/vps-sessions/" + b.sessionId() + "/resolve",
                    "{\"action\":\"release\"}", TestApp.admin());
            assertThat(released.status()).as(released.body()).isEqualTo(200);
            assertThat(released.json().get("status").asText()).isEqualTo("deleted");
            assertThat(Market.activeSessions(app, b.workerId())).isZero();
            assertThat(app.http.post("/admin/vps-sessions/" + b.sessionId() + "/resolve", "{\"action\":\"release\"}",
                    Market.bearer(b.token())).status()).as("operators only").isEqualTo(403);
        } finally {
            fake.close();
        }
    }
}
