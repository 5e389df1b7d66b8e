package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.util.UUID;

/** Another user's session is indistinguishable from one that does not exist, on every session endpoint. */
class MarketplaceIsolationTest {

    @DbTest
    void anotherUsersSessionIs404LikeAnUnknownOne(TestDatabase db) {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            String workerId = Market.worker(app, fake, 3);
            String productId = Market.product(app, "VPS", 10, workerId);
            JsonNode owner = Market.user(app, "owner@example.com", 10);
            String ownerToken = owner.get("token").asText();
            JsonNode intruder = Market.user(app, "intruder@example.com", 10);
            String token = intruder.get("token").asText();
            String sessionId = Market.bought(app, ownerToken, "k", productId).get("id").asText();
            Market.awaitStatus(app, ownerToken, sessionId, "ready");
            String unknownId = UUID.randomUUID().toString();

            String[][] calls = {{"GET", ""}, {"GET", "/log"}, {"DELETE", ""}, {"GET", "/events"}};
            for (String[] call : calls) {
                Http.Response theirs = app.http.method(call[0], "/vps/sessions/" + sessionId + call[1], null,
                        Market.bearer(token));
                Http.Response unknown = app.http.method(call[0], "/vps/sessions/" + unknownId + call[1], null,
                        Market.bearer(token));
                String what = call[0] + " /vps/sessions/{id}" + call[1];
                assertThat(theirs.status()).as("%s on another user's session: %s", what, theirs.body()).isEqualTo(404);
                assertThat(unknown.status()).as("%s on an unknown id", what).isEqualTo(404);
                assertThat(Market.withoutRequestId(theirs)).as("%s answers exactly as for an unknown id", what)
                        .isEqualTo(Market.withoutRequestId(unknown));
                assertThat(theirs.body()).doesNotContain(sessionId).doesNotContain(fake.url());
            }
            // Through the query-string token too.
            Http.Response viaQuery = app.http.get("/vps/sessions/" + sessionId + "/events?access_token=" + token);
            assertThat(viaQuery.status()).isEqualTo(404);

            assertThat(app.http.get("/vps/sessions", Market.bearer(token)).json().get("sessions")).isEmpty();
            assertThat(fake.calls("POST", "/stop/")).as("the intruder's DELETE stopped nothing").isEmpty();
            assertThat(Market.session(app, ownerToken, sessionId).json().get("status").asText()).isEqualTo("ready");
            assertThat(Market.activeSessions(app, workerId)).isEqualTo(1);
            assertThat(app.http.get("/vps/sessions/" + sessionId + "/log", Market.bearer(ownerToken)).status())
                    .isEqualTo(200);
        }
    }
}
