package dev.vectis.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vectis.testing.DbTest;
import dev.vectis.testing.HoldsTransactionsOpen;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** How far a streamed table is final: never past a row that a transaction still open may commit. */
@HoldsTransactionsOpen
class HorizonTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @DbTest
    void aCommittedRowIsNotFinalWhileAnOlderRowsTransactionIsOpen(TestDatabase db) throws Exception {
        try (Database database = db.open()) {
            Jdbi jdbi = database.jdbi();
            Horizon horizon = Horizon.of(jdbi, "events");
            CountDownLatch written = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            ExecutorService thread = Executors.newSingleThreadExecutor();
            try {
                Future<Long> held = thread.submit(() -> jdbi.inTransaction(h -> {
                    long id = insert(h, "held");
                    written.countDown();
                    assertThat(release.await(60, TimeUnit.SECONDS)).isTrue();
                    return id;
                }));
                assertThat(written.await(30, TimeUnit.SECONDS)).isTrue();
                long later = jdbi.inTransaction(h -> insert(h, "later"));

                assertThat(finalUpTo(jdbi, horizon)).isLessThan(later);
                assertThat(horizon.heldBack()).isTrue();

                release.countDown();
                assertThat(held.get(30, TimeUnit.SECONDS)).isLessThan(later);
                await().atMost(WAIT).until(() -> finalUpTo(jdbi, horizon) >= later);
                finalUpTo(jdbi, horizon);
                assertThat(horizon.heldBack()).isFalse();
            } finally {
                release.countDown();
                thread.shutdownNow();
            }
        }
    }

    @DbTest
    void aReadInsideATransactionTakesNoFence(TestDatabase db) {
        try (Database database = db.open()) {
            Jdbi jdbi = database.jdbi();
            Horizon horizon = Horizon.of(jdbi, "events");
            long id = jdbi.inTransaction(h -> insert(h, "new"));
            // Its transaction id would be older than the rows it fences.
            long insideTransaction = jdbi.inTransaction(h -> finalUpTo(h, horizon));
            assertThat(insideTransaction).isZero();
            assertThat(horizon.heldBack()).isFalse();
            await().atMost(WAIT).until(() -> finalUpTo(jdbi, horizon) >= id);
        }
    }

    private static long finalUpTo(Jdbi jdbi, Horizon horizon) {
        return jdbi.withHandle(h -> finalUpTo(h, horizon));
    }

    private static long finalUpTo(Handle h, Horizon horizon) {
        Horizon.Bound bound = horizon.bound(h);
        return bound.bind(h.createQuery("SELECT COALESCE(MAX(id), 0) FROM events WHERE " + bound.condition()))
                .mapTo(Long.class).one();
    }

    private static long insert(Handle h, String type) {
        return h.createUpdate("INSERT INTO events (type, source, data, created_at) VALUES (:t, 'test', '{}', 0)")
                .bind("t", type).executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
    }
}
