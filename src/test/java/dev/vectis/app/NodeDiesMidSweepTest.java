package dev.vectis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vectis.testing.DbTest;
import dev.vectis.testing.HoldsTransactionsOpen;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The node running the liveness sweep dies in the middle of it, one worker marked offline and
 * the next one's transaction open: what it committed stays, what it had open is undone, and
 * another node takes the sweep over within seconds and finishes it, each worker once.
 */
@HoldsTransactionsOpen
class NodeDiesMidSweepTest {

    private static final List<String> WORKERS = List.of("w1", "w2", "w3");

    @DbTest
    void anotherNodeFinishesTheSweepOfOneThatDied(TestDatabase db) throws Exception {
        assumeTrue(db.isPostgres(), "several nodes share PostgreSQL only");
        MutableClock clock = new MutableClock();
        Map<String, String> env = ThreeNodesTest.QUICK_OFFLINE;
        List<TestApp> nodes = new ArrayList<>();
        String user = db.env().get("VECTIS_DATABASE_USER");
        String password = db.env().get("VECTIS_DATABASE_PASSWORD");
        try (Connection test = DriverManager.getConnection(db.url(), user, password);
             Connection probe = DriverManager.getConnection(db.url(), user, password)) {
            int testPid = pid(test);
            for (int i = 0; i < 3; i++) {
                nodes.add(TestApp.start(db, env, clock));
            }
            for (String w : WORKERS) {
                assertThat(nodes.get(0).http.post("/api/workers/register", "{\"workerId\":\"" + w
                        + "\",\"hostname\":\"" + w + "\"}", TestApp.worker()).status()).isEqualTo(200);
            }
            await().atMost(ThreeNodesTest.PATIENCE).until(() -> Nodes.holder(nodes.get(0), "liveness-sweeper")
                    .isPresent());
            String sweeperId = Nodes.holder(nodes.get(0), "liveness-sweeper").orElseThrow();
            TestApp sweeper = nodes.stream().filter(n -> Nodes.id(n).equals(sweeperId)).findFirst().orElseThrow();

            // The sweep takes workers in id order, each in its own transaction: w2's waits on this lock.
            test.setAutoCommit(false);
            try (Statement s = test.createStatement()) {
                s.executeQuery("SELECT id FROM workers WHERE id = 'w2' FOR UPDATE").close();
            }
            clock.advance(Duration.ofSeconds(6));
            await().atMost(ThreeNodesTest.PATIENCE).until(() -> offline(nodes.get(0)).equals(List.of("w1"))
                    && !blockedBy(probe, testPid).isEmpty());

            sweeper.app().database().close(); // its pool and its lock connection end, as with a dead process
            try (PreparedStatement s = probe.prepareStatement("SELECT pg_terminate_backend(?)")) {
                for (int pid : blockedBy(probe, testPid)) { // the server ends the dead node's waiting statement
                    s.setInt(1, pid);
                    s.executeQuery().close();
                }
            }
            test.rollback();
            nodes.stream().filter(n -> n != sweeper).forEach(Nodes::quick); // they say soon what they take over

            TestApp survivor = nodes.stream().filter(n -> n != sweeper).findFirst().orElseThrow();
            await().atMost(ThreeNodesTest.PATIENCE).until(() -> offline(survivor).equals(WORKERS));
            await().during(Duration.ofSeconds(3)).atMost(ThreeNodesTest.PATIENCE).until(() ->
                    WORKERS.stream().allMatch(w -> ThreeNodesTest.count(survivor, "SELECT COUNT(*) FROM events "
                            + "WHERE type = 'worker.offline' AND worker_id = '" + w + "'") == 1));
            // The dead node's row still claims the sweep until it is taken for gone; a live one claims it too.
            await().atMost(ThreeNodesTest.PATIENCE).until(() -> Nodes.holders(survivor).get("liveness-sweeper")
                    .stream().anyMatch(id -> !id.equals(sweeperId)));
        } finally {
            nodes.forEach(TestApp::close);
        }
    }

    private static List<String> offline(TestApp node) {
        return node.app().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT id FROM workers WHERE online = FALSE ORDER BY id").mapTo(String.class).list());
    }

    /** The backends waiting on a lock that backend {@code holder} holds, asked outside any transaction. */
    private static List<Integer> blockedBy(Connection probe, int holder) throws SQLException {
        List<Integer> pids = new ArrayList<>();
        try (PreparedStatement s = probe.prepareStatement(
                "SELECT pid FROM pg_stat_activity WHERE ? = ANY (pg_blocking_pids(pid))")) {
            s.setInt(1, holder);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    pids.add(rs.getInt(1));
                }
            }
        }
        return pids;
    }

    private static int pid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
