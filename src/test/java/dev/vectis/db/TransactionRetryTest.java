package dev.vectis.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectis.error.UnavailableException;
import dev.vectis.error.VectisException;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.HoldsTransactionsOpen;
import dev.vectis.testing.TestDatabase;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Every transaction that loses a deadlock or serialization race runs again, whole, and commits once. */
@HoldsTransactionsOpen
class TransactionRetryTest {

    @DbTest
    void aRealDeadlockIsRetriedAndBothTransactionsCommit(TestDatabase db) throws Exception {
        try (Database database = db.open()) {
            Jdbi jdbi = database.jdbi();
            probeTable(jdbi);
            CountDownLatch firstHolds = new CountDownLatch(1);
            CountDownLatch secondHolds = new CountDownLatch(1);
            AtomicInteger runs = new AtomicInteger();
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                // Each takes one row, waits until the other holds the other row, then wants it too.
                Future<?> first = threads.submit(() -> {
                    jdbi.useTransaction(h -> {
                        runs.incrementAndGet();
                        bump(h, 1);
                        firstHolds.countDown();
                        assertThat(secondHolds.await(30, TimeUnit.SECONDS)).isTrue();
                        bump(h, 2);
                    });
                    return null;
                });
                Future<?> second = threads.submit(() -> {
                    jdbi.useTransaction(h -> {
                        runs.incrementAndGet();
                        bump(h, 2);
                        secondHolds.countDown();
                        assertThat(firstHolds.await(30, TimeUnit.SECONDS)).isTrue();
                        bump(h, 1);
                    });
                    return null;
                });
                first.get(60, TimeUnit.SECONDS);
                second.get(60, TimeUnit.SECONDS);
            } finally {
                threads.shutdownNow();
            }
            assertThat(counts(jdbi)).as("each row bumped once by each transaction").containsExactly(2, 2);
            // H2 may pick both transactions of one cycle as victims, so each ran again.
            assertThat(runs.get()).as("the losers ran once more").isBetween(3, 4);
            assertThat(database.retries()).isEqualTo(runs.get() - 2);
        }
    }

    @DbTest
    void aNestedTransactionIsRetriedOnlyAsPartOfTheOuterOne(TestDatabase db) {
        try (Database database = db.open()) {
            Jdbi jdbi = database.jdbi();
            probeTable(jdbi);
            AtomicInteger outer = new AtomicInteger();
            AtomicInteger inner = new AtomicInteger();
            jdbi.useTransaction(h -> {
                outer.incrementAndGet();
                bump(h, 1);
                jdbi.useTransaction(nested -> {
                    if (inner.incrementAndGet() == 1) {
                        throw lostRace();
                    }
                });
            });
            assertThat(inner).as("never retried alone").hasValue(2);
            assertThat(outer).hasValue(2);
            assertThat(counts(jdbi)).as("the first attempt's write was rolled back").containsExactly(1, 0);
        }
    }

    @DbTest
    void aLostAttemptsAfterCommitHooksNeverRun(TestDatabase db) {
        try (Database database = db.open()) {
            AtomicInteger runs = new AtomicInteger();
            List<Integer> hooks = new java.util.concurrent.CopyOnWriteArrayList<>();
            database.jdbi().useTransaction(h -> {
                int run = runs.incrementAndGet();
                h.afterCommit(() -> hooks.add(run));
                if (run < RetryingTransactions.ATTEMPTS) {
                    throw lostRace();
                }
            });
            assertThat(hooks).containsExactly(RetryingTransactions.ATTEMPTS);
        }
    }

    @DbTest
    void aTransactionThatKeepsLosingIsGivenUpAsBusyWithNothingWritten(TestDatabase db) {
        try (Database database = db.open()) {
            Jdbi jdbi = database.jdbi();
            probeTable(jdbi);
            AtomicInteger runs = new AtomicInteger();
            AtomicInteger hooks = new AtomicInteger();
            assertThatThrownBy(() -> jdbi.useTransaction(h -> {
                runs.incrementAndGet();
                bump(h, 1);
                h.afterCommit(hooks::incrementAndGet);
                throw lostRace();
            })).isInstanceOfSatisfying(DatabaseBusyException.class, e -> {
                assertThat(e.kind()).isEqualTo(VectisException.Kind.UNAVAILABLE);
                assertThat(e.code()).isEqualTo("DATABASE_BUSY");
                assertThat(((UnavailableException) e).retryAfterSeconds()).isPositive();
            });
            assertThat(runs).hasValue(RetryingTransactions.ATTEMPTS);
            assertThat(hooks).hasValue(0);
            assertThat(counts(jdbi)).containsExactly(0, 0);
        }
    }

    @DbTest
    void otherFailuresAreNotRetried(TestDatabase db) {
        try (Database database = db.open()) {
            AtomicInteger runs = new AtomicInteger();
            assertThatThrownBy(() -> database.jdbi().useTransaction(h -> {
                runs.incrementAndGet();
                h.execute("INSERT INTO no_such_table VALUES (1)");
            })).isNotInstanceOf(DatabaseBusyException.class).satisfies(e -> assertThat(Contention.busy(e)).isFalse());
            assertThat(runs).hasValue(1);
            assertThat(database.retries()).isZero();
        }
    }

    @DbTest
    void aLockWaitThatRanOutIsBusyButNotRetried(TestDatabase db) {
        try (Database database = db.open()) {
            AtomicInteger runs = new AtomicInteger();
            assertThatThrownBy(() -> database.jdbi().useTransaction(h -> {
                runs.incrementAndGet();
                throw new IllegalStateException("statement failed", new SQLException("Timeout trying to lock", "HYT00"));
            })).satisfies(e -> assertThat(Contention.busy(e)).isTrue());
            assertThat(runs).hasValue(1);
        }
    }

    private static void probeTable(Jdbi jdbi) {
        jdbi.useHandle(h -> {
            h.execute("CREATE TABLE IF NOT EXISTS retry_probe (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)");
            h.execute("DELETE FROM retry_probe");
            h.execute("INSERT INTO retry_probe (id, n) VALUES (1, 0), (2, 0)");
        });
    }

    private static List<Integer> counts(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("SELECT n FROM retry_probe ORDER BY id").mapTo(Integer.class).list());
    }

    private static void bump(Handle h, int id) {
        h.createUpdate("UPDATE retry_probe SET n = n + 1 WHERE id = :id").bind("id", id).execute();
    }

    /** What the driver reports for a deadlock's victim, as a statement failure carries it. */
    private static RuntimeException lostRace() {
        return new IllegalStateException("statement failed", new SQLException("deadlock detected", "40P01"));
    }
}
