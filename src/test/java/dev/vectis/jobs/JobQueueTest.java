package dev.vectis.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectis.error.ConflictException;
import dev.vectis.error.ForbiddenException;
import dev.vectis.error.NotFoundException;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

class JobQueueTest {

    @DbTest
    void jobsAreClaimedOldestFirstWithANewAttemptEachTime(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("w1", 1);
            Job first = f.job("echo 1", null, null);
            f.job("echo 2", null, null);
            Claim claim = f.queue.claim("w1");
            assertThat(claim.outcome()).isEqualTo(Claim.Outcome.CLAIMED);
            assertThat(claim.job().id()).isEqualTo(first.id());
            assertThat(claim.job().attempt()).isEqualTo(1);
            assertThat(claim.job().status()).isEqualTo(Job.RUNNING);
            assertThat(claim.job().workerId()).isEqualTo("w1");
            assertThat(claim.job().deadlineAt()).isEqualTo(f.clock.millis() + 3_600_000L);
            assertThat(f.queue.claim("w1").outcome()).isEqualTo(Claim.Outcome.WORKER_BUSY);
        }
    }

    @DbTest
    void unknownWorkersCannotClaim(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            f.job("echo", null, null);
            assertThatThrownBy(() -> f.queue.claim("ghost")).isInstanceOf(NotFoundException.class)
                    .hasMessage("Worker not found");
            assertThat(f.queue.get(f.queue.list(JobFilter.all(null), null, 10, null).items().get(0).id()).status()).isEqualTo(Job.PENDING);
        }
    }

    @DbTest
    void anAnonymousPollGoesToTheOneWorkerAtItsAddressNotTheFirstRegistered(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            f.job("echo", null, null);
            assertThat(f.queue.claimFrom("192.0.2.2").outcome()).isEqualTo(Claim.Outcome.NO_IDLE_WORKER);
            f.worker("w1", 1, "192.0.2.1");
            f.clock.advance(Duration.ofMillis(5));
            f.worker("w2", 1, "192.0.2.2");
            Claim claim = f.queue.claimFrom("192.0.2.2");
            assertThat(claim.job().workerId()).isEqualTo("w2");
            assertThat(f.queue.claimFrom("192.0.2.1").outcome()).isEqualTo(Claim.Outcome.NO_JOB);
        }
    }

    @DbTest
    void maxJobsBoundsConcurrentWorkPerWorker(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("w1", 2);
            for (int i = 0; i < 3; i++) {
                f.job("echo " + i, null, null);
            }
            assertThat(f.queue.claim("w1").outcome()).isEqualTo(Claim.Outcome.CLAIMED);
            assertThat(f.queue.claim("w1").outcome()).isEqualTo(Claim.Outcome.CLAIMED);
            assertThat(f.queue.claim("w1").outcome()).isEqualTo(Claim.Outcome.WORKER_BUSY);
        }
    }

    @DbTest
    void maxJobsHoldsWhenOneWorkerPollsManyTimesAtOnce(TestDatabase db) throws Exception {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("w1", 2);
            for (int i = 0; i < 10; i++) {
                f.job("echo " + i, null, null);
            }
            int polls = 8;
            CyclicBarrier together = new CyclicBarrier(polls);
            ExecutorService pool = Executors.newFixedThreadPool(polls);
            try {
                List<Future<Claim>> answers = new ArrayList<>();
                for (int i = 0; i < polls; i++) {
                    answers.add(pool.submit(() -> {
                        together.await();
                        return f.queue.claim("w1");
                    }));
                }
                int claimed = 0;
                for (Future<Claim> a : answers) {
                    Claim c = a.get(30, java.util.concurrent.TimeUnit.SECONDS);
                    if (c.outcome() == Claim.Outcome.CLAIMED) {
                        claimed++;
                    } else {
                        assertThat(c.outcome()).isIn(Claim.Outcome.WORKER_BUSY, Claim.Outcome.NO_JOB);
                    }
                }
                assertThat(claimed).isEqualTo(2);
            } finally {
                pool.shutdownNow();
            }
            assertThat(f.queue.list(JobFilter.all(null), null, 100, null).items().stream().filter(j -> Job.RUNNING.equals(j.status())))
                    .hasSize(2);
        }
    }

    @DbTest
    void twoWorkersPollingAtOnceNeverGetTheSameJob(TestDatabase db) throws Exception {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("a", 1000);
            f.worker("b", 1000);
            int jobs = 60;
            for (int i = 0; i < jobs; i++) {
                f.job("echo " + i, null, null);
            }
            Map<String, String> owner = new ConcurrentHashMap<>();
            AtomicInteger duplicates = new AtomicInteger();
            CyclicBarrier together = new CyclicBarrier(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (String w : List.of("a", "b")) {
                    done.add(pool.submit(() -> {
                        together.await();
                        while (true) {
                            Claim c = f.queue.claim(w);
                            if (c.outcome() != Claim.Outcome.CLAIMED) {
                                return null;
                            }
                            if (owner.putIfAbsent(c.job().id(), w) != null) {
                                duplicates.incrementAndGet();
                            }
                        }
                    }));
                }
                for (Future<?> d : done) {
                    d.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(duplicates).hasValue(0);
            assertThat(owner).hasSize(jobs);
            for (Job job : f.queue.list(JobFilter.all(null), null, 1000, null).items()) {
                assertThat(job.status()).isEqualTo(Job.RUNNING);
                assertThat(job.workerId()).isEqualTo(owner.get(job.id()));
                assertThat(job.attempt()).isEqualTo(1);
            }
        }
    }

    @DbTest
    void aThousandJobsAcrossEightPollersAreEachCompletedExactlyOnce(TestDatabase db) throws Exception {
        try (QueueFixture f = new QueueFixture(db)) {
            int threads = 8;
            int jobs = 1000;
            for (int t = 0; t < threads; t++) {
                f.worker("w" + t, 1);
            }
            for (int i = 0; i < jobs; i++) {
                f.job("echo " + i, null, null);
            }
            Set<String> completed = ConcurrentHashMap.newKeySet();
            AtomicInteger twice = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    String worker = "w" + t;
                    done.add(pool.submit(() -> {
                        while (true) {
                            Claim c = f.queue.claim(worker);
                            if (c.outcome() == Claim.Outcome.NO_JOB) {
                                return null;
                            }
                            f.results.complete(c.job().id(), worker, c.job().attempt(), "out " + c.job().id(), "", 0);
                            if (!completed.add(c.job().id())) {
                                twice.incrementAndGet();
                            }
                        }
                    }));
                }
                for (Future<?> d : done) {
                    d.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(twice).hasValue(0);
            assertThat(completed).hasSize(jobs);
            List<Job> all = f.queue.list(JobFilter.all(null), null, 1000, null).items();
            assertThat(all).hasSize(jobs).allMatch(j -> j.status().equals(Job.COMPLETED) && j.attempt() == 1
                    && j.stdout().equals("out " + j.id()));
        }
    }

    @DbTest
    void aResultForAFinishedJobNeverChangesIt(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("w1", 1);
            Job job = f.job("echo", null, null);
            f.queue.claim("w1");
            f.results.complete(job.id(), "w1", 1, "first", "", 0);
            assertThatThrownBy(() -> f.results.complete(job.id(), "w1", 1, "second", "", 1))
                    .isInstanceOf(ConflictException.class).hasMessage("Job is already completed");
            assertThatThrownBy(() -> f.results.fail(job.id(), "w1", null, "late"))
                    .isInstanceOf(ConflictException.class);
            Job stored = f.queue.get(job.id());
            assertThat(stored.stdout()).isEqualTo("first");
            assertThat(stored.exitCode()).isZero();
            assertThat(stored.errorMessage()).isNull();
        }
    }

    @DbTest
    void onlyTheAssignedWorkerMayReport(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("w1", 1);
            f.worker("w2", 1);
            Job job = f.job("echo", null, null);
            f.queue.claim("w1");
            assertThatThrownBy(() -> f.results.complete(job.id(), "w2", null, "", "", 0))
                    .isInstanceOf(ForbiddenException.class).hasMessage("Worker is not assigned to this job");
            assertThatThrownBy(() -> f.results.complete("job-0-missing", "w1", null, "", "", 0))
                    .isInstanceOf(NotFoundException.class).hasMessage("Job not found");
            assertThat(f.queue.get(job.id()).status()).isEqualTo(Job.RUNNING);
        }
    }

    @DbTest
    void cancelledJobsAreNotClaimedAndWorkersLearnOfIt(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("w1", 2);
            Job pending = f.job("echo pending", null, null);
            Job running = f.job("echo running", null, null);
            f.queue.cancel(pending.id());
            Claim c = f.queue.claim("w1");
            assertThat(c.job().id()).isEqualTo(running.id());
            assertThat(f.results.appendOutput(running.id(), "w1", 1, "stdout", "a")).isFalse();
            f.queue.cancel(running.id());
            assertThat(f.queue.isCancelled(running.id())).isTrue();
            assertThat(f.results.appendOutput(running.id(), "w1", 1, "stdout", "b")).isTrue();
            assertThat(f.queue.get(running.id()).stdout()).isEqualTo("a");
            assertThatThrownBy(() -> f.queue.cancel(running.id())).isInstanceOf(ConflictException.class);
            assertThatThrownBy(() -> f.results.complete(running.id(), "w1", 1, "", "", 0))
                    .isInstanceOf(ConflictException.class).hasMessage("Job is already cancelled");
            assertThat(f.queue.claim("w1").outcome()).isEqualTo(Claim.Outcome.NO_JOB);
        }
    }

    @DbTest
    void outputIsCappedWithOneMarker(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db, 10)) {
            f.worker("w1", 1);
            Job job = f.job("echo", null, null);
            f.queue.claim("w1");
            f.results.appendOutput(job.id(), "w1", null, "stdout", "123456");
            f.results.appendOutput(job.id(), "w1", null, "stdout", "789012");
            f.results.appendOutput(job.id(), "w1", null, "stdout", "more");
            f.results.appendOutput(job.id(), "w1", null, "stderr", "e");
            Job stored = f.queue.get(job.id());
            assertThat(stored.stdout()).isEqualTo("1234567890" + OutputText.marker(10));
            assertThat(stored.stderr()).isEqualTo("e");
            f.results.complete(job.id(), "w1", 1, null, "x".repeat(25), 0);
            stored = f.queue.get(job.id());
            assertThat(stored.stdout()).isEqualTo("1234567890" + OutputText.marker(10));
            assertThat(stored.stderr()).isEqualTo("x".repeat(10) + OutputText.marker(10));
        }
    }

    @DbTest
    void historyRecordsEveryChangeInOrder(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("w1", 1);
            Job job = f.job("echo", null, null);
            f.queue.claim("w1");
            f.results.appendOutput(job.id(), "w1", 1, "stdout", "hello");
            f.results.complete(job.id(), "w1", 1, null, null, 3);
            List<JobEvent> events = f.queue.eventsAfter(job.id(), 0, 100);
            assertThat(events).extracting(JobEvent::kind).containsExactly("status", "status", "output", "status");
            assertThat(events.get(3).data()).contains("\"status\":\"completed\"", "\"exitCode\":3");
            assertThat(f.queue.eventsAfter(job.id(), events.get(1).id(), 100)).hasSize(2);
            assertThat(f.queue.get(job.id()).stdout()).isEqualTo("hello");
        }
    }

    @DbTest
    void aLongPollReturnsAsSoonAsAJobArrives(TestDatabase db) throws Exception {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("w1", 1);
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<Claim> poll = pool.submit(() -> f.queue.claim("w1", Duration.ofSeconds(20)));
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                        .until(() -> f.events.pollers().waiting() == 1);
                Job job = f.job("echo", null, null);
                Claim claim = poll.get(10, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(claim.job().id()).isEqualTo(job.id());
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
