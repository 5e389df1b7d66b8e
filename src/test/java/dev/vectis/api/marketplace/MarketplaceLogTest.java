package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** GET /vps/sessions/{id}/log: a log the worker no longer has, and worker secrets kept out of every copy. */
class MarketplaceLogTest {

    @DbTest
    void aLogTheWorkerNoLongerHasIsNotFoundRatherThanUnavailable(TestDatabase db) {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            MarketplaceStopTest.Bought b = MarketplaceStopTest.readySession(app, fake, "lost@example.com");
            fake.lose(fake.routes().get(0));
            Http.Response log = app.http.get("/vps/sessions/" + b.sessionId() + "/log", Market.bearer(b.token()));
            assertThat(log.status()).as(log.body()).isEqualTo(404);
            assertThat(log.json().get("error").asText()).isEqualTo("log_gone");
            assertThat(log.json().get("message").asText()).contains("no longer has this VM's log");
            assertThat(log.body()).doesNotContain(fake.url()).doesNotContain(b.workerId());
            assertThat(app.http.get("/admin/vps-sessions/" + b.sessionId() + "/log", TestApp.admin()).status())
                    .isEqualTo(404);
        }
    }

    @DbTest
    void aWorkersSecretNeverReachesUsersEventsOrTheDatabase(TestDatabase db) {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            fake.style = FakeVmWorker.Style.WINDOWS;
            fake.lineEvery = Duration.ofMillis(400);
            fake.failWith = "Error: upstream rejected session " + fake.upstreamToken;
            String secret = fake.upstreamToken;
            String workerId = Market.worker(app, fake, 3);
            String productId = Market.productWith(app, "Windows VPS",
                    Map.of("redact_patterns", List.of("upst-[0-9a-f]+")), workerId);
            JsonNode user = Market.user(app, "secret@example.com", 10);
            String token = user.get("token").asText();
            String sessionId = Market.bought(app, token, "k", productId).get("id").asText();

            try (SseStream s = SseStream.open(app.http.base(), "/vps/sessions/" + sessionId + "/events",
                    "Authorization", "Bearer " + token)) {
                Http.Response early = app.http.get("/vps/sessions/" + sessionId + "/log", Market.bearer(token));
                assertThat(early.body()).contains("Upstream session [redacted]").doesNotContain(secret);
                assertThat(app.http.get("/admin/vps-sessions/" + sessionId + "/log", TestApp.admin()).body())
                        .as("operators get the redacted log too").contains("[redacted]").doesNotContain(secret);
                s.await("failed", f -> MarketplaceEventsTest.isStatus(f, "failed"), Market.SETTLE);
                assertThat(s.describe()).doesNotContain(secret).contains("[redacted]");
            }
            JsonNode session = Market.session(app, token, sessionId).json();
            assertThat(session.get("error").asText()).as("the failing line, redacted")
                    .contains("Error: upstream rejected session [redacted]").doesNotContain(secret);
            assertThat(app.http.get("/admin/vps-sessions/" + sessionId, TestApp.admin()).body())
                    .doesNotContain(secret);
            assertThat(app.http.get("/vps/sessions/" + sessionId + "/log", Market.bearer(token)).status())
                    .as("the failed VM was stopped, and its worker forgot it").isEqualTo(404);

            String like = "%" + secret + "%";
            assertThat(Market.count(app, "SELECT COUNT(*) FROM vps_sessions WHERE error LIKE ? OR status_reason LIKE ? "
                    + "OR route LIKE ?", like, like, like)).isZero();
            assertThat(Market.count(app, "SELECT COUNT(*) FROM vps_session_events WHERE data LIKE ?", like)).isZero();
            assertThat(Market.count(app, "SELECT COUNT(*) FROM events WHERE data LIKE ?", like)).isZero();
            assertThat(Market.count(app, "SELECT COUNT(*) FROM ledger_entries WHERE reason LIKE ?", like)).isZero();
            assertThat(Market.count(app, "SELECT COUNT(*) FROM vps_sessions WHERE error LIKE ?",
                    "%[redacted]%")).as("the copy kept is the redacted one").isEqualTo(1);
        }
    }
}
