package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import org.awaitility.Awaitility;

/** A VPS host an operator set anything but active (docs/fleet.md) is given no new session. */
class MarketplaceFleetStatesTest {

    @DbTest
    void disabledMaintenanceAndDrainingHostsGetNoSession(TestDatabase db) {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            String host = Market.worker(app, fake, 5);
            String product = Market.product(app, "VPS", 10, host);
            String token = Market.user(app, "buyer@example.com", 100).get("token").asText();
            JsonNode first = Market.bought(app, token, "k1", product);

            for (String action : new String[] {"disable", "maintenance", "drain"}) {
                fleet(app, host, action);
                Http.Response refused = Market.purchase(app, token, "refused-" + action, product);
                assertThat(refused.status()).as("%s: %s", action, refused.body()).isEqualTo(503);
                assertThat(refused.json().get("error").asText()).isEqualTo("no_capacity");
                assertThat(Market.workerView(app, host).get("status").asText()).as("the marketplace's word")
                        .isEqualTo("disabled");
                if (!action.equals("drain")) {
                    fleet(app, host, "resume");
                }
            }
            JsonNode draining = fleetView(app, host);
            assertThat(draining.get("state").asText()).as("a session still holds a slot").isEqualTo("draining");
            assertThat(draining.get("load").get("sessions").asInt()).isEqualTo(1);

            String id = first.get("id").asText();
            Http.Response stopped = app.http.method("DELETE", "/vps/sessions/" + id, null, Market.bearer(token));
            assertThat(stopped.status()).as(stopped.body()).isIn(200, 202);
            // Drained once the stopped session no longer holds its slot.
            Awaitility.await().atMost(Market.SETTLE).untilAsserted(() ->
                    assertThat(fleetView(app, host).get("state").asText()).isEqualTo("drained"));

            fleet(app, host, "resume");
            assertThat(Market.workerView(app, host).get("status").asText()).isEqualTo("active");
            Market.bought(app, token, "k2", product);
        }
    }

    private static void fleet(TestApp app, String workerId, String action) {
        Http.Response r = app.http.method("POST", "/api/v1/fleet/workers/" + workerId + "/" + action, null,
                TestApp.admin());
        assertThat(r.status()).as("%s: %s", action, r.body()).isEqualTo(200);
    }

    private static JsonNode fleetView(TestApp app, String workerId) {
        return app.http.get("/api/v1/fleet/workers/" + workerId, TestApp.admin()).json().get("data");
    }
}
