package dev.vectis.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vectis.testing.DbTest;
import dev.vectis.testing.HoldsTransactionsOpen;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;

/** What a claim costs: polls with nothing to do lock nothing, a job wakes one poll, the plan ignores history. */
@HoldsTransactionsOpen
class ClaimCostTest {

    @DbTest
    void aPollThatFindsNothingNeverWaitsForTheWorkersRowLock(TestDatabase db) throws Exception {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("w1", 1);
            // Its first named poll marks it once as naming itself; from then on, finding nothing writes nothing.
            assertThat(f.queue.claim("w1").outcome()).isEqualTo(Claim.Outcome.NO_JOB);
            CountDownLatch locked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            // Another transaction (a heartbeat flush, say) holds the worker's row.
            ExecutorService pool = Executors.newSingleThreadExecutor();
            Future<Boolean> holder = pool.submit(() -> f.database.jdbi().inTransaction(h -> {
                h.createQuery("SELECT id FROM workers WHERE id = 'w1' FOR UPDATE").mapTo(String.class).one();
                locked.countDown();
                return release.await(30, TimeUnit.SECONDS);
            }));
            try {
                assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
                CompletableFuture<Claim> poll = CompletableFuture.supplyAsync(() -> f.queue.claim("w1"));
                await().atMost(Duration.ofSeconds(10)).until(poll::isDone);
                assertThat(poll.get().outcome()).isEqualTo(Claim.Outcome.NO_JOB);
            } finally {
                release.countDown();
                holder.get(30, TimeUnit.SECONDS);
                pool.shutdownNow();
            }
        }
    }

    @DbTest
    void aNewJobWakesOneWaitingPollNotEveryOne(TestDatabase db) throws Exception {
        try (QueueFixture f = new QueueFixture(db)) {
            int pollers = 8;
            for (int i = 0; i < pollers; i++) {
                f.worker("w" + i, 1);
            }
            // Unwoken polls never look again during the test, so every look counted is a wake's.
            f.queue.recheckEvery(Duration.ofHours(1));
            AtomicInteger looks = new AtomicInteger();
            f.database.jdbi().setSqlLogger(new SqlLogger() {
                @Override
                public void logBeforeExecution(StatementContext context) {
                    if (context.getRenderedSql().contains(JobStore.LOOK)) {
                        looks.incrementAndGet();
                    }
                }
            });
            List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(pollers, r -> {
                Thread t = new Thread(r);
                threads.add(t);
                return t;
            });
            try {
                List<Future<Claim>> polls = new ArrayList<>();
                for (int i = 0; i < pollers; i++) {
                    String worker = "w" + i;
                    polls.add(pool.submit(() -> f.queue.claim(worker, Duration.ofSeconds(60))));
                }
                // Every poll has looked once and is parked, not still looking.
                await().atMost(Duration.ofSeconds(10)).until(() -> looks.get() == pollers && threads.size() == pollers
                        && threads.stream().allMatch(t -> t.getState() == Thread.State.TIMED_WAITING));
                int before = looks.get();
                Job job = f.job("echo", null, null);
                await().atMost(Duration.ofSeconds(10)).until(() -> polls.stream().anyMatch(Future::isDone));
                await().atMost(Duration.ofSeconds(10)).until(() -> f.events.pollers().waiting() == pollers - 1);
                assertThat(looks.get() - before).as("looks for one job among %d waiting polls", pollers)
                        .isLessThanOrEqualTo(2);
                Claim claim = polls.stream().filter(Future::isDone).findFirst().orElseThrow().get();
                assertThat(claim.job().id()).isEqualTo(job.id());
                assertThat(polls.stream().filter(Future::isDone)).hasSize(1);
            } finally {
                f.events.close();
                pool.shutdownNow();
            }
        }
    }

    @DbTest
    void aWokenPollThatCannotTakeTheJobPassesTheWakeOn(TestDatabase db) throws Exception {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("first", 1);
            f.worker("second", 1);
            f.queue.recheckEvery(Duration.ofHours(1));
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<Claim> first = pool.submit(() -> f.queue.claim("first", Duration.ofSeconds(60)));
                await().atMost(Duration.ofSeconds(10)).until(() -> f.events.pollers().waiting() == 1);
                Future<Claim> second = pool.submit(() -> f.queue.claim("second", Duration.ofSeconds(60)));
                await().atMost(Duration.ofSeconds(10)).until(() -> f.events.pollers().waiting() == 2);
                // The first in line fills up meanwhile, so when a job wakes it, it cannot take it.
                f.database.jdbi().useHandle(h -> h.execute("INSERT INTO jobs (id, command, file_url, filename, status, "
                        + "worker_id, attempt, max_attempts, timeout_seconds, created_at, started_at, deadline_at) VALUES "
                        + "('elsewhere', 'echo', '/x.zip', 'x.zip', 'running', 'first', 1, 1, 60, 0, 0, 60000)"));
                Job job = f.job("echo", null, null);
                assertThat(first.get(10, TimeUnit.SECONDS).outcome()).isEqualTo(Claim.Outcome.WORKER_BUSY);
                assertThat(second.get(10, TimeUnit.SECONDS).job().id()).isEqualTo(job.id());
            } finally {
                f.events.close();
                pool.shutdownNow();
            }
        }
    }

    @DbTest
    void theClaimReadsOnlyPendingJobsHoweverLongTheHistory(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            finishedJobs(f, db, 20_000);
            Job job = f.job("echo", null, null);
            f.worker("w1", 1);
            String plan = f.database.jdbi().withHandle(h -> claimPlan(h, JobStore.NEXT_PENDING));
            // A worker with labels reads all pending jobs, those without labels and those it may match.
            String labelled = f.database.jdbi().withHandle(h -> claimPlan(h, "SELECT id FROM jobs WHERE "
                    + JobStore.TAKEABLE.replace(":w", "'w1'") + " ORDER BY seq LIMIT 1"));
            if (db.isPostgres()) {
                assertThat(plan).contains("jobs_pending_unlabelled");
                assertThat(labelled).contains("jobs_pending");
            } else {
                assertThat(plan.toUpperCase()).contains("JOBS_STATUS_LABELS_SEQ");
                assertThat(labelled.toUpperCase()).contains("JOBS_STATUS_");
            }
            assertThat(f.queue.claim("w1").job().id()).isEqualTo(job.id());
        }
    }

    @DbTest
    void finishedJobsCostTheDeadlineSweepNothing(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("w1", 1);
            Job job = f.job("echo", null, null);
            assertThat(f.queue.claim("w1").job().id()).isEqualTo(job.id());
            finishedJobs(f, db, 20_000);
            long later = Long.MAX_VALUE / 2;
            List<String> overdue = f.database.jdbi().withHandle(h -> JobStore.overdue(h, later));
            assertThat(overdue).containsExactly(job.id());
            if (db.isPostgres()) {
                String plan = f.database.jdbi().withHandle(h -> String.join("\n", h.createQuery("EXPLAIN SELECT id "
                        + "FROM jobs WHERE status = 'running' AND deadline_at < 1 ORDER BY seq").mapTo(String.class).list()));
                assertThat(plan).contains("jobs_running_deadline");
                // 20,000 finished jobs would fill dozens of pages; the running one fits in the first leaf.
                long pages = f.database.jdbi().withHandle(h -> h.createQuery(
                        "SELECT pg_relation_size('jobs_running_deadline') / current_setting('block_size')::int")
                        .mapTo(Long.class).one());
                assertThat(pages).isLessThanOrEqualTo(2);
            }
        }
    }

    /** A history of finished jobs, as the queue leaves them, and statistics that know it. */
    private static void finishedJobs(QueueFixture f, TestDatabase db, int n) {
        f.database.jdbi().useHandle(h -> {
            h.execute("INSERT INTO jobs (id, command, file_url, filename, status, max_attempts, timeout_seconds, "
                    + "created_at, completed_at, exit_code) SELECT 'old-' || x, 'echo', '/x.zip', 'x.zip', "
                    + "'completed', 1, 60, 0, 1, 0 FROM "
                    + (db.isPostgres() ? "generate_series(1, " + n + ") AS x" : "SYSTEM_RANGE(1, " + n + ") AS t(x)"));
            h.execute("ANALYZE" + (db.isPostgres() ? " jobs" : ""));
        });
    }

    private static String claimPlan(Handle h, String sql) {
        return String.join("\n", h.createQuery("EXPLAIN " + sql.replace(" FOR UPDATE SKIP LOCKED", ""))
                .mapTo(String.class).list());
    }
}
