package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.util.concurrent.CompletableFuture;

/** Deleting a session always ends with the slot free, whatever the worker or a second request does. */
class MarketplaceDeleteTest {

    @DbTest
    void aWorkerThatNoLongerHasTheVmLetsTheSessionEnd(TestDatabase db) {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            String worker = Market.worker(app, fake, 1);
            String product = Market.product(app, "VPS", 10, worker);
            JsonNode user = Market.user(app, "del@example.com", 100);
            String token = user.get("token").asText();
            String session = Market.bought(app, token, "k", product).get("id").asText();
            fake.forgetVms = true;
            Http.Response deleted = app.http.method("DELETE", "/vps/sessions/" + session, null, Market.bearer(token));
            assertThat(deleted.status()).isEqualTo(200);
            assertThat(deleted.json().get("status").asText()).isEqualTo("deleted");
            assertThat(Market.activeSessions(app, worker)).isZero();
        }
    }

    @DbTest
    void twoDeletesAtOnceLeaveItDeleted(TestDatabase db) throws Exception {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            String worker = Market.worker(app, fake, 1);
            String product = Market.product(app, "VPS", 10, worker);
            JsonNode user = Market.user(app, "del2@example.com", 100);
            String token = user.get("token").asText();
            String session = Market.bought(app, token, "k", product).get("id").asText();
            CompletableFuture<Http.Response> a = CompletableFuture.supplyAsync(
                    () -> app.http.method("DELETE", "/vps/sessions/" + session, null, Market.bearer(token)));
            CompletableFuture<Http.Response> b = CompletableFuture.supplyAsync(
                    () -> app.http.method("DELETE", "/vps/sessions/" + session, null, Market.bearer(token)));
            a.get();
            b.get();
            assertThat(Market.sessionStatusInDb(app, session)).isEqualTo("deleted");
            assertThat(Market.activeSessions(app, worker)).isZero();
        }
    }
}
