package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * Three nodes on one PostgreSQL database, as behind a load balancer: what a user does on one
 * node shows in a stream on another at once, and a revoked token is refused everywhere.
 */
class MarketplaceThreeNodesTest {

    /** Every node shares the key that signs login tokens, as a deployment behind one balancer must. */
    private static final Map<String, String> SHARED_KEY =
            Map.of("VECTIS_JWT_SECRET", "three-nodes-jwt-secret-0123456789abcdef");
    /** A provisioning round on another node (2 s) and its notification; far below the streaming node's tick. */
    private static final Duration ELSEWHERE = Duration.ofSeconds(10);

    /**
     * The streaming node neither reads streams nor moves sessions on its own ticks during the
     * test: only a notification from another node can bring it their news.
     */
    private static TestApp quietNode(TestDatabase db) {
        TestApp node = Market.startAtProductionPace(db, Map.of());
        node.app().stretchLoop("stream-reader", Duration.ofHours(1));
        node.app().stretchLoop("vps-sessions", Duration.ofHours(1));
        return node;
    }

    @DbTest
    void aStreamOnBFollowsAPurchaseMadeOnCInOrderAndResumesAfterBRestarts(TestDatabase db) {
        Assumptions.assumeTrue(db.isPostgres(), "notifications between nodes are PostgreSQL's");
        // Production's round, as this test was written for: with quick rounds on A and C, B's stream once went
        // without the ready event for the whole wait.
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp a = Market.startAtProductionPace(db, Map.of());
             TestApp c = Market.startAtProductionPace(db, Map.of())) {
            fake.ready = false;
            String worker = Market.worker(a, fake, 3);
            String product = Market.product(a, "VPS", 10, worker);
            String token = Market.user(a, "watch@example.com", 10).get("token").asText();
            String[] auth = {"Authorization", "Bearer " + token};

            long lastId;
            String path;
            try (TestApp b = quietNode(db)) {
                String sessionId = Market.bought(c, token, "k", product).get("id").asText();
                path = "/vps/sessions/" + sessionId + "/events";
                try (SseStream s = SseStream.open(b.http.base(), path, auth)) {
                    assertThat(s.status()).as(s.errorBody()).isEqualTo(200);
                    s.awaitCount(2, ELSEWHERE);
                    fake.ready = true; // A or C sees it on its next round and marks the session ready
                    s.await("ready, marked on another node", f -> MarketplaceEventsTest.isStatus(f, "ready"),
                            ELSEWHERE);
                    List<SseStream.Frame> frames = s.frames();
                    assertThat(MarketplaceEventsTest.statuses(frames)).as(s.describe())
                            .containsExactly("provisioning", "ready");
                    assertThat(frames.get(1).id()).as("the current state's two frames").isEqualTo(frames.get(0).id());
                    assertIncreasing(frames.subList(1, frames.size()));
                    lastId = frames.get(frames.size() - 1).id();
                }
            }

            try (TestApp b = quietNode(db);
                 SseStream resumed = SseStream.open(b.http.base(), path, auth[0], auth[1],
                         "Last-Event-ID", Long.toString(lastId))) {
                assertThat(resumed.status()).as(resumed.errorBody()).isEqualTo(200);
                Http.Response deleted = c.http.method("DELETE", path.replace("/events", ""), null, auth);
                assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
                resumed.await("deleted, on another node", f -> MarketplaceEventsTest.isStatus(f, "deleted"),
                        ELSEWHERE);
                List<SseStream.Frame> frames = resumed.frames();
                assertThat(frames).allSatisfy(f -> assertThat(f.id()).isGreaterThan(lastId));
                assertThat(MarketplaceEventsTest.statuses(frames)).as(resumed.describe())
                        .containsExactly("stopping", "deleted");
                assertIncreasing(frames);
            }
        }
    }

    @DbTest
    void tokensRevokedOnOneNodeAreRefusedOnTheOthersAtOnce(TestDatabase db) {
        Assumptions.assumeTrue(db.isPostgres(), "several nodes share a PostgreSQL database");
        try (TestApp a = Market.start(db, SHARED_KEY); TestApp b = Market.start(db, SHARED_KEY);
             TestApp c = Market.start(db, SHARED_KEY)) {
            Http.Response created = Market.createUser(a, "three@example.com", "Three", "a-long-password-1", 10L);
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String userId = created.json().get("id").asText();
            String apiToken = created.json().get("token").asText();
            String login = a.http.post("/auth/login", "{\"email\":\"three@example.com\","
                    + "\"password\":\"a-long-password-1\"}").json().get("token").asText();
            for (TestApp node : List.of(a, b, c)) {
                assertThat(node.http.get("/me", Market.bearer(apiToken)).status()).isEqualTo(200);
                assertThat(node.http.get("/me", Market.bearer(login)).status()).isEqualTo(200);
            }

            assertThat(a.http.post("/auth/logout", "", Market.bearer(login)).status()).isEqualTo(204);
            assertThat(b.http.get("/me", Market.bearer(login)).status()).as("logged out on A").isEqualTo(401);
            assertThat(c.http.get("/me", Market.bearer(apiToken)).status()).isEqualTo(200);

            assertThat(a.http.method("DELETE", "/admin/users/" + userId + "/tokens", null, TestApp.admin()).status())
                    .isEqualTo(200);
            assertThat(b.http.get("/me", Market.bearer(apiToken)).status()).as("revoked on A").isEqualTo(401);
            assertThat(c.http.get("/me", Market.bearer(apiToken)).status()).as("revoked on A").isEqualTo(401);
        }
    }

    private static void assertIncreasing(List<SseStream.Frame> frames) {
        for (int i = 1; i < frames.size(); i++) {
            assertThat(frames.get(i).id()).as("frame ids in order").isGreaterThan(frames.get(i - 1).id());
        }
    }
}
