package dev.vectis.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vectis.events.EventLog;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.TestDatabase;
import dev.vectis.workers.Fleet;
import dev.vectis.workers.WorkerEvents;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** A worker an operator paused (drained, disabled, in maintenance) is handed no job by any kind of poll. */
class PausedWorkerClaimTest {

    private static final String SHARED = "198.51.100.7";

    private static Fleet fleet(QueueFixture f) {
        return new Fleet(f.database.jdbi(), f.clock, new WorkerEvents(new EventLog(f.database.jdbi(), f.clock)),
                Set.of("deleted"), f.events::wakeEveryPoll);
    }

    @DbTest
    void aNamedPollIsRefusedAndTheJobStaysPending(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("w1", 4);
            Fleet fleet = fleet(f);
            Job job = f.job("echo", null, null);
            for (String pause : new String[] {"disable", "maintenance", "drain"}) {
                switch (pause) {
                    case "disable" -> fleet.disable("w1", null);
                    case "maintenance" -> fleet.maintenance("w1", null);
                    default -> fleet.drain("w1", null);
                }
                assertThat(f.queue.claim("w1").outcome()).as(pause).isEqualTo(Claim.Outcome.WORKER_PAUSED);
                assertThat(f.queue.get(job.id()).status()).isEqualTo(Job.PENDING);
                fleet.resume("w1", null);
            }
            assertThat(f.queue.claim("w1").job().id()).isEqualTo(job.id());
        }
    }

    @DbTest
    void anonymousPollsPassOverPausedWorkers(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("a1", 1, SHARED);
            f.worker("a2", 1, SHARED);
            Fleet fleet = fleet(f);
            fleet.disable("a1", null);
            Job first = f.job("echo", null, null);
            // The one candidate at the address that takes work gets the job outright.
            assertThat(f.queue.claimFrom(SHARED).job().workerId()).isEqualTo("a2");
            f.job("echo", null, null);
            assertThat(f.queue.claimFrom(SHARED).outcome()).as("a2 is full and a1 disabled")
                    .isEqualTo(Claim.Outcome.NO_IDLE_WORKER);
            fleet.disable("a2", null);
            f.results.complete(first.id(), "a2", null, "", "", 0);
            assertThat(f.queue.claimFrom(SHARED).outcome()).isEqualTo(Claim.Outcome.NO_IDLE_WORKER);
            fleet.resume("a1", null);
            assertThat(f.queue.claimFrom(SHARED).job().workerId()).isEqualTo("a1");
        }
    }

    /**
     * The paused worker's poll waits out of line: the wake for a new job goes to a poll that can
     * take it, though the paused one has waited longer, and a resume lets it take the next one.
     */
    @DbTest
    void aPausedWorkersWaitingPollLeavesNewJobsToOthers(TestDatabase db) throws Exception {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("paused", 1);
            f.worker("ready", 1);
            Fleet fleet = fleet(f);
            fleet.maintenance("paused", null);
            // Unwoken polls never look again during the test, so only wakes move them.
            f.queue.recheckEvery(Duration.ofHours(1));
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<Claim> paused = pool.submit(() -> f.queue.claim("paused", Duration.ofSeconds(60)));
                await().atMost(Duration.ofSeconds(10)).until(() -> f.events.pollers().resting() == 1);
                Future<Claim> ready = pool.submit(() -> f.queue.claim("ready", Duration.ofSeconds(60)));
                await().atMost(Duration.ofSeconds(10)).until(() -> f.events.pollers().waiting() == 1);

                Job first = f.job("echo", null, null);
                assertThat(ready.get(10, TimeUnit.SECONDS).job().id()).isEqualTo(first.id());
                assertThat(paused.isDone()).isFalse();

                fleet.resume("paused", null);
                await().atMost(Duration.ofSeconds(10)).until(() -> f.events.pollers().waiting() == 1);
                Job second = f.job("echo", null, null);
                assertThat(paused.get(10, TimeUnit.SECONDS).job().id()).isEqualTo(second.id());
            } finally {
                f.events.close();
                pool.shutdownNow();
            }
        }
    }
}
