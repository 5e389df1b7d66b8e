package dev.vectis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vectis.nodes.NodeRegistry;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Three nodes on one PostgreSQL database: what must happen once happens once, whichever node
 * each call reaches, and each node sees the others come and go. (H2 serves one process.)
 */
class ThreeNodesTest {

    static final Map<String, String> QUICK_OFFLINE = Map.of("VECTIS_HEARTBEAT_OFFLINE_AFTER_SECONDS", "5");
    static final Duration PATIENCE = Duration.ofSeconds(30);

    @DbTest
    void aWorkerRegisteredOnAHeardOnBAndSweptOnCGoesOfflineOnce(TestDatabase db) {
        assumeTrue(db.isPostgres(), "several nodes share PostgreSQL only");
        MutableClock clock = new MutableClock();
        try (TestApp c = Nodes.quick(TestApp.start(db, QUICK_OFFLINE, clock))) {
            // C starts first and so runs the sweep; A and B ask for it at every turn and are refused.
            await().atMost(PATIENCE).until(() -> Nodes.holder(c, "liveness-sweeper").isPresent());
            try (TestApp a = TestApp.start(db, QUICK_OFFLINE, clock);
                 TestApp b = TestApp.start(db, QUICK_OFFLINE, clock)) {
                assertThat(a.http.post("/api/workers/register", "{\"workerId\":\"w1\",\"hostname\":\"h1\"}",
                        TestApp.worker()).status()).isEqualTo(200);
                Http.Response created = c.http.post("/api/jobs/create", "{\"command\":\"sleep 60\","
                        + "\"fileUrl\":\"/uploads/x.zip\",\"filename\":\"x.zip\"}", TestApp.admin());
                String jobId = created.json().get("jobId").asText();
                Http.Response claimed = a.http.get("/api/jobs/get-job?workerId=w1", TestApp.worker());
                assertThat(claimed.status()).as(claimed.body()).isEqualTo(200);
                assertThat(b.http.post("/api/workers/heartbeat", "{\"workerId\":\"w1\"}", TestApp.worker())
                        .status()).isEqualTo(200);

                clock.advance(Duration.ofSeconds(6));
                await().atMost(PATIENCE).until(() -> count(c, "SELECT COUNT(*) FROM workers "
                        + "WHERE id = 'w1' AND online = FALSE") == 1);
                // Held for a while: a second sweep, on any node, would show as a second event.
                await().during(Duration.ofSeconds(3)).atMost(PATIENCE).until(() ->
                        count(a, "SELECT COUNT(*) FROM events WHERE type = 'worker.offline' AND worker_id = 'w1'") == 1
                        && count(b, "SELECT COUNT(*) FROM job_events WHERE job_id = '" + jobId + "' "
                                + "AND kind = 'status' AND data LIKE '%worker lost%'") == 1);
                assertThat(Nodes.holders(a).get("liveness-sweeper")).containsExactly(Nodes.id(c));
            }
        }
    }

    @DbTest
    void nodesListEachOtherAndAStoppedOrDeadOneDropsOut(TestDatabase db) {
        assumeTrue(db.isPostgres(), "several nodes share PostgreSQL only");
        MutableClock clock = new MutableClock();
        // A takes the loops over quickly: from B when B stops, and then from C.
        try (TestApp a = Nodes.quick(TestApp.start(db, Map.of(), clock));
             TestApp b = TestApp.start(db, Map.of(), clock); TestApp c = TestApp.start(db, Map.of(), clock)) {
            String idA = Nodes.id(a);
            String idB = Nodes.id(b);
            String idC = Nodes.id(c);
            assertThat(Nodes.ids(b)).containsExactlyInAnyOrder(idA, idB, idC);
            for (TestApp node : List.of(a, b, c)) {
                assertThat(Nodes.list(a).stream().filter(n -> n.get("id").asText().equals(Nodes.id(node)))
                        .findFirst().orElseThrow().get("address").asText()).endsWith(":" + node.app().port());
            }
            await().atMost(PATIENCE).untilAsserted(() -> eachLoopOnceAmong(a, idA, idB, idC));

            b.close(); // as on SIGTERM
            assertThat(Nodes.ids(a)).containsExactlyInAnyOrder(idA, idC);
            await().atMost(PATIENCE).untilAsserted(() -> eachLoopOnceAmong(a, idA, idC));

            c.app().database().close(); // as if C's process died: its connections end, its row stays
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(Nodes.list(a).stream()
                    .filter(n -> n.get("id").asText().equals(idA)).flatMap(n -> Nodes.loops(n).stream()))
                    .containsExactlyInAnyOrderElementsOf(Nodes.SINGLETONS));
            assertThat(Nodes.ids(a)).as("not yet taken for gone").contains(idC);

            clock.advance(NodeRegistry.GONE_AFTER.plusSeconds(1));
            await().atMost(PATIENCE).until(() -> Nodes.ids(a).equals(List.of(idA)));
        }
    }

    /** Every run-once loop is held by exactly one of these nodes, as {@code asked} lists them. */
    private static void eachLoopOnceAmong(TestApp asked, String... ids) {
        Map<String, List<String>> holders = Nodes.holders(asked);
        assertThat(holders.keySet()).containsExactlyInAnyOrderElementsOf(Nodes.SINGLETONS);
        for (String loop : Nodes.SINGLETONS) {
            assertThat(holders.get(loop)).as(loop).hasSize(1);
            assertThat(Stream.of(ids).toList()).as(loop).contains(holders.get(loop).get(0));
        }
    }

    static int count(TestApp node, String sql) {
        return node.app().database().jdbi().withHandle(h -> h.createQuery(sql).mapTo(Integer.class).one());
    }
}
