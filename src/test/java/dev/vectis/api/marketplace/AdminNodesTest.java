package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.config.BuildInfo;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** GET /admin/nodes: the nodes sharing the database, what each runs alone; for the admin only. */
class AdminNodesTest {

    @DbTest
    void aSingleNodeListsItselfRunningEveryLoop(TestDatabase db) {
        try (TestApp app = Market.start(db)) {
            app.app().stretchLoop("node-heartbeat", Market.ROUND); // its row says what it holds soon, not in 5 s
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Http.Response r = app.http.get("/admin/nodes", TestApp.admin());
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.json().get("count").asInt()).isEqualTo(1);
                JsonNode node = r.json().get("nodes").get(0);
                assertThat(loops(node)).containsExactlyInAnyOrder("liveness-sweeper", "retention", "vps-sessions");
            });
            JsonNode node = app.http.get("/admin/nodes", TestApp.admin()).json().get("nodes").get(0);
            assertThat(node.get("id").asText()).isNotBlank();
            assertThat(node.get("address").asText()).endsWith(":" + app.app().port());
            assertThat(node.get("version").asText()).isEqualTo(BuildInfo.version());
            assertThat(Instant.parse(node.get("started_at").asText()))
                    .isBeforeOrEqualTo(Instant.parse(node.get("last_seen_at").asText()));
            assertThat(node.get("this_node").asBoolean()).isTrue();
        }
    }

    @DbTest
    void onlyTheAdminSeesTheNodes(TestDatabase db) {
        try (TestApp app = Market.start(db)) {
            String userToken = Market.user(app, "nodes@example.com", 0).get("token").asText();
            assertThat(app.http.get("/admin/nodes").status()).isEqualTo(401);
            Http.Response asUser = app.http.get("/admin/nodes", Market.bearer(userToken));
            assertThat(asUser.status()).isEqualTo(403);
            assertThat(asUser.json().get("error").asText()).isEqualTo("admin_required");
        }
    }

    static List<String> loops(JsonNode node) {
        List<String> loops = new ArrayList<>();
        node.get("loops").forEach(l -> loops.add(l.asText()));
        return loops;
    }
}
