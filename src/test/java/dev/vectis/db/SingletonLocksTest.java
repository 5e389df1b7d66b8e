package dev.vectis.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vectis.testing.DbTest;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;

/** A loop that must run once runs on one node at a time, and on another once its holder lets go or dies. */
class SingletonLocksTest {

    @DbTest
    void oneNodeAtATimeHoldsALoopUntilItLetsGo(TestDatabase db) {
        try (Database database = db.open(); SingletonLocks a = SingletonLocks.of(database);
             SingletonLocks b = SingletonLocks.of(database)) {
            assertThat(a.hold("sweep")).isTrue();
            if (!db.isPostgres()) {
                assertThat(b.hold("sweep")).as("H2 serves one process: every loop runs").isTrue();
                return;
            }
            assertThat(a.hold("sweep")).as("asked again on its next turn").isTrue();
            assertThat(b.hold("sweep")).isFalse();
            assertThat(b.hold("prune")).isTrue();
            assertThat(a.held()).containsExactly("sweep");
            assertThat(b.held()).containsExactly("prune");

            a.close();
            assertThat(a.hold("sweep")).as("a closed node runs nothing").isFalse();
            assertThat(b.hold("sweep")).isTrue();
            assertThat(b.held()).containsExactly("prune", "sweep");
        }
    }

    @DbTest
    void aHolderWhoseSessionEndsLosesTheLoopToTheNextToAsk(TestDatabase db) {
        if (!db.isPostgres()) {
            return; // sessions and advisory locks are PostgreSQL's
        }
        try (Database database = db.open(); SingletonLocks a = SingletonLocks.of(database);
             SingletonLocks b = SingletonLocks.of(database)) {
            assertThat(a.hold("sweep")).isTrue();
            int ended = database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(pg_terminate_backend(l.pid)) "
                            + "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                            + "WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = :name "
                            + "AND a.datname = current_database() "
                            + "AND ((l.classid::bigint << 32) | l.objid::bigint) = :key")
                    .bind("key", SingletonLocks.key("sweep")).bind("name", SingletonLocks.APPLICATION_NAME)
                    .mapTo(Integer.class).one());
            assertThat(ended).isEqualTo(1);

            // The server ends the session a moment after it is asked to.
            await().atMost(Duration.ofSeconds(10)).until(() -> b.hold("sweep"));
            assertThat(a.hold("sweep")).as("its session is gone, and the lock with it").isFalse();
            assertThat(a.held()).isEmpty();
            b.close();
            assertThat(a.hold("sweep")).as("it connects again and asks anew").isTrue();
        }
    }
}
