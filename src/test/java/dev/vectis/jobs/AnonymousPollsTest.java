package dev.vectis.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectis.error.ConflictException;
import dev.vectis.error.ForbiddenException;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Polls that name no worker: who gets the job, when it becomes a worker's, and what frees it. */
class AnonymousPollsTest {

    private static final String SHARED = "198.51.100.7";

    @DbTest
    void aSharedAddressHoldsJobsUntilAReportNamesTheWorker(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("a1", 1, SHARED);
            f.worker("a2", 1, SHARED);
            Job first = f.job("echo 1", null, null);
            Job second = f.job("echo 2", null, null);
            Job third = f.job("echo 3", null, null);

            Claim one = f.queue.claimFrom(SHARED);
            Claim two = f.queue.claimFrom(SHARED);
            assertThat(one.job().id()).isEqualTo(first.id());
            assertThat(one.job().status()).isEqualTo(Job.RUNNING);
            assertThat(one.job().workerId()).isNull();
            assertThat(two.job().id()).isEqualTo(second.id());
            // Two workers there, two jobs out: the address has no room left
            assertThat(f.queue.claimFrom(SHARED).outcome()).isEqualTo(Claim.Outcome.NO_IDLE_WORKER);
            assertThat(f.workers.get("a1").executorStatus()).isEqualTo("idle");

            // Whoever reports first, naming itself, has it: here the second job went to a1
            f.results.appendOutput(second.id(), "a1", null, "stdout", "hello\n");
            assertThat(f.queue.get(second.id()).workerId()).isEqualTo("a1");
            assertThat(f.workers.get("a1").executorStatus()).isEqualTo("busy");
            assertThatThrownBy(() -> f.results.complete(second.id(), "a2", null, "x", "", 0))
                    .isInstanceOf(ForbiddenException.class);
            f.results.complete(first.id(), "a2", null, "ran 1", "", 0);
            assertThat(f.queue.get(first.id()).workerId()).isEqualTo("a2");
            assertThat(f.queue.get(first.id()).status()).isEqualTo(Job.COMPLETED);

            assertThat(f.queue.claimFrom(SHARED).job().id()).isEqualTo(third.id());
            assertThat(f.queue.claimFrom(SHARED).outcome()).isEqualTo(Claim.Outcome.NO_IDLE_WORKER);
        }
    }

    @DbTest
    void aJobHeldForOneAddressIsNotTakenByACandidateElsewhere(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("a1", 1, SHARED);
            f.worker("a2", 1, SHARED);
            f.worker("far", 1, "203.0.113.9");
            Job job = f.job("echo 1", null, null);
            Claim held = f.queue.claimFrom(SHARED);
            assertThat(held.job().workerId()).isNull();
            assertThatThrownBy(() -> f.results.complete(job.id(), "far", null, "forged", "", 0))
                    .isInstanceOf(ForbiddenException.class);
            assertThat(f.queue.get(job.id()).workerId()).isNull();
            f.results.complete(job.id(), "a2", null, "ran", "", 0);
            assertThat(f.queue.get(job.id()).workerId()).isEqualTo("a2");
        }
    }

    @DbTest
    void pollsFromOneAddressAtOnceGetNoMoreThanItsWorkersHaveRoomFor(TestDatabase db) throws Exception {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("a1", 1, SHARED);
            f.worker("a2", 1, SHARED);
            f.worker("a3", 1, SHARED);
            for (int i = 0; i < 10; i++) {
                f.job("echo " + i, null, null);
            }
            int pollers = 8;
            CyclicBarrier start = new CyclicBarrier(pollers);
            ExecutorService pool = Executors.newFixedThreadPool(pollers);
            try {
                List<Future<Claim>> polls = new ArrayList<>();
                for (int i = 0; i < pollers; i++) {
                    polls.add(pool.submit(() -> {
                        start.await();
                        return f.queue.claimFrom(SHARED);
                    }));
                }
                List<String> handedOut = new ArrayList<>();
                for (Future<Claim> poll : polls) {
                    Claim c = poll.get(30, TimeUnit.SECONDS);
                    if (c.outcome() == Claim.Outcome.CLAIMED) {
                        handedOut.add(c.job().id());
                    } else {
                        assertThat(c.outcome()).isEqualTo(Claim.Outcome.NO_IDLE_WORKER);
                    }
                }
                assertThat(handedOut).hasSize(3).doesNotHaveDuplicates();
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @DbTest
    void aReportThatIsRefusedDoesNotTakeTheJob(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("a1", 1, SHARED);
            f.worker("a2", 1, SHARED);
            f.worker("named", 1, "192.0.2.99");
            f.queue.claim("named");
            Job job = f.job("echo", null, null);
            f.queue.claimFrom(SHARED);

            assertThatThrownBy(() -> f.results.complete(job.id(), "a1", 2, "x", "", 0))
                    .isInstanceOf(ConflictException.class);
            // A worker that names itself when it polls never received an anonymous job
            assertThatThrownBy(() -> f.results.complete(job.id(), "named", null, "x", "", 0))
                    .isInstanceOf(ForbiddenException.class);
            assertThatThrownBy(() -> f.results.complete(job.id(), "ghost", null, "x", "", 0))
                    .isInstanceOf(ForbiddenException.class);
            // Output from a caller that does not say who it is is kept, and the job stays held
            f.results.appendOutput(job.id(), null, null, "stdout", "anonymous\n");
            Job held = f.queue.get(job.id());
            assertThat(held.workerId()).isNull();
            assertThat(held.stdout()).isEqualTo("anonymous\n");

            f.results.complete(job.id(), "a2", 1, null, null, 0);
            assertThat(f.queue.get(job.id()).workerId()).isEqualTo("a2");
        }
    }

    @DbTest
    void aWorkerThatNamesItselfIsNoLongerACandidateForAnonymousPolls(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("named", 2, SHARED);
            f.worker("spec", 1, SHARED);
            assertThat(f.queue.claim("named").outcome()).isEqualTo(Claim.Outcome.NO_JOB);
            f.job("echo", null, null);
            f.job("echo", null, null);
            // Only the spec agent polls anonymously there, so the address names it
            assertThat(f.queue.claimFrom(SHARED).job().workerId()).isEqualTo("spec");
            assertThat(f.queue.claimFrom(SHARED).outcome()).isEqualTo(Claim.Outcome.NO_IDLE_WORKER);

            // Registering again is a new process, which may poll either way
            f.worker("named", 2, SHARED);
            Claim held = f.queue.claimFrom(SHARED);
            assertThat(held.outcome()).isEqualTo(Claim.Outcome.CLAIMED);
            assertThat(held.job().workerId()).isNull();
        }
    }

    @DbTest
    void aHeldJobWaitsWhileAWorkerThatCouldHaveItLivesAndIsFreedWhenNoneIs(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("a1", 1, SHARED);
            f.worker("a2", 1, SHARED);
            Job job = f.job("echo", 2, null);
            f.queue.claimFrom(SHARED);

            // a2 goes silent; a1 keeps beating and may be the one running the job
            for (int i = 0; i < 4; i++) {
                f.clock.advance(Duration.ofSeconds(10));
                f.workers.heartbeatFrom("a1", SHARED);
                f.workers.sweep(f.reaper);
            }
            assertThat(f.workers.get("a2").online()).isFalse();
            assertThat(f.queue.get(job.id()).status()).isEqualTo(Job.RUNNING);

            // A worker registering there after the hand-out cannot have it
            f.worker("a3", 1, SHARED);
            f.reaper.workerRestarted("a3");
            assertThat(f.queue.get(job.id()).status()).isEqualTo(Job.RUNNING);

            // a1 restarts: nobody that was there when the job was handed out is left
            f.worker("a1", 1, SHARED);
            f.reaper.workerRestarted("a1");
            Job requeued = f.queue.get(job.id());
            assertThat(requeued.status()).isEqualTo(Job.PENDING);
            assertThat(requeued.attempt()).isEqualTo(1);
            assertThat(f.queue.claimFrom(SHARED).job().attempt()).isEqualTo(2);
        }
    }

    @DbTest
    void aHeldJobFailsAsWorkerLostWhenEveryWorkerAtItsAddressGoesSilent(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("a1", 1, SHARED);
            f.worker("a2", 1, SHARED);
            Job job = f.job("echo", null, null);
            f.queue.claimFrom(SHARED);
            f.sweepAfter(Duration.ofSeconds(31));
            Job lost = f.queue.get(job.id());
            assertThat(lost.status()).isEqualTo(Job.FAILED);
            assertThat(lost.errorMessage()).isEqualTo("worker lost");
        }
    }

    @DbTest
    void aHeldJobPastItsTimeoutFails(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("a1", 1, SHARED);
            f.worker("a2", 1, SHARED);
            Job job = f.job("sleep 100", null, 5);
            f.queue.claimFrom(SHARED);
            f.clock.advance(Duration.ofSeconds(6));
            assertThat(f.reaper.expireOverdue()).isEqualTo(1);
            assertThat(f.queue.get(job.id()).errorMessage()).isEqualTo("timed out");
            assertThat(f.queue.claimFrom(SHARED).outcome()).isEqualTo(Claim.Outcome.NO_JOB);
        }
    }

    @DbTest
    void aBusyWorkerAloneAtItsAddressMakesAnonymousPollsWait(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("a1", 1, SHARED);
            Job first = f.job("echo 1", null, null);
            f.job("echo 2", null, null);
            assertThat(f.queue.claimFrom(SHARED).job().workerId()).isEqualTo("a1");
            assertThat(f.queue.claimFrom(SHARED).outcome()).isEqualTo(Claim.Outcome.NO_IDLE_WORKER);
            // The address named a1, so a1 got it: nobody else may report on it
            f.worker("a2", 1, "192.0.2.50");
            assertThatThrownBy(() -> f.results.complete(first.id(), "a2", null, "x", "", 0))
                    .isInstanceOf(ForbiddenException.class);
            f.results.complete(first.id(), "a1", null, "ok", "", 0);
            assertThat(f.queue.claimFrom(SHARED).job().workerId()).isEqualTo("a1");
        }
    }
}
