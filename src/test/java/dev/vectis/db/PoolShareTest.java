package dev.vectis.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectis.testing.DbTest;
import dev.vectis.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

/** Background work holds at most its share of the pool's connections; requests keep the rest. */
class PoolShareTest {

    @Test
    void theShareIsAQuarterOfThePoolAndNeverNone() {
        assertThat(PoolShare.of(1)).isEqualTo(1);
        assertThat(PoolShare.of(4)).isEqualTo(1);
        assertThat(PoolShare.of(10)).isEqualTo(2);
        assertThat(PoolShare.of(40)).isEqualTo(10);
    }

    @DbTest
    void backgroundWorkWaitsForItsShareWhileRequestsUseTheRestOfThePool(TestDatabase db) throws Exception {
        try (Database database = db.open()) {
            int share = database.backgroundShare();
            assertThat(share).as("a pool of 4").isEqualTo(1);
            CompletableFuture<Integer> waiting;
            List<Handle> held = new ArrayList<>();
            try {
                for (int i = 0; i < share; i++) {
                    held.add(select(database.background().open()));
                }
                waiting = CompletableFuture.supplyAsync(() -> database.background()
                        .withHandle(h -> h.createQuery("SELECT 2").mapTo(Integer.class).one()));
                for (int i = 0; i < 4 - share; i++) {
                    held.add(select(database.jdbi().open()));
                }
                assertThat(waiting).as("the share is in use").isNotDone();
            } finally {
                held.forEach(Handle::close);
            }
            assertThat(waiting.get(30, TimeUnit.SECONDS)).isEqualTo(2);
        }
    }

    @DbTest
    void aShareThatStaysInUseIsBusyAfterTheWaitAndGivesBackWhatItTook(TestDatabase db) throws Exception {
        try (Database database = db.open()) {
            PoolShare share = new PoolShare(database.dataSource(), 1, Duration.ofMillis(50));
            Connection first = share.openConnection();
            assertThatThrownBy(share::openConnection).isInstanceOf(SQLTransientConnectionException.class)
                    .satisfies(e -> assertThat(Contention.busy(e)).isTrue());
            share.closeConnection(first);
            share.closeConnection(share.openConnection());
        }
    }

    private static Handle select(Handle h) {
        h.createQuery("SELECT 1").mapTo(Integer.class).one();
        return h;
    }
}
