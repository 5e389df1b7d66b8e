package dev.vectis.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectis.error.ConflictException;
import dev.vectis.error.ForbiddenException;
import dev.vectis.error.NotFoundException;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.TestDatabase;
import dev.vectis.workers.Worker;
import java.time.Duration;

/** Worker silence, lost jobs, retries and timeouts, with a clock the test moves. */
class LivenessTest {

    @DbTest
    void aSilentWorkerGoesOfflineAndAHeartbeatBringsItBack(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("w1", 1);
            f.clock.advance(Duration.ofSeconds(20));
            f.workers.heartbeat("w1");
            assertThat(f.sweepAfter(Duration.ofSeconds(20))).isZero();
            assertThat(f.workers.get("w1").executorStatus()).isEqualTo("idle");
            assertThat(f.sweepAfter(Duration.ofSeconds(11))).isEqualTo(1);
            assertThat(f.workers.get("w1").executorStatus()).isEqualTo("offline");
            f.workers.heartbeat("w1");
            f.workers.flush();
            assertThat(f.workers.get("w1").executorStatus()).isEqualTo("idle");
        }
    }

    @DbTest
    void aBeatOneNodeWritesAfterAnotherSweptTheWorkerDoesNotBringItBackWhenItIsOld(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("w1", 1);
            f.worker("w2", 1);
            var other = new dev.vectis.workers.WorkerRegistry(f.database.jdbi(), f.clock, QueueFixture.OFFLINE_AFTER);
            other.heartbeat("w1"); // heard on the other node, which has not written it yet
            assertThat(f.sweepAfter(Duration.ofSeconds(31))).isEqualTo(2);
            other.heartbeat("w2");
            other.flush();
            assertThat(f.workers.get("w1").online()).as("its beat is older than the window").isFalse();
            assertThat(f.workers.get("w2").online()).as("heard just now").isTrue();
            assertThat(f.sweepAfter(Duration.ZERO)).as("no second sweep of w1").isZero();
        }
    }

    @DbTest
    void heartbeatsAreWrittenInBatches(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("w1", 1);
            f.worker("w2", 1);
            long registered = f.workers.get("w1").lastSeenAt();
            f.clock.advance(Duration.ofSeconds(5));
            long beat = f.workers.heartbeat("w1");
            f.workers.heartbeat("w2");
            assertThat(f.workers.get("w1").lastSeenAt()).isEqualTo(registered);
            f.workers.flush();
            assertThat(f.workers.get("w1").lastSeenAt()).isEqualTo(beat);
            assertThat(f.workers.get("w2").lastSeenAt()).isEqualTo(beat);
            assertThatThrownBy(() -> f.workers.heartbeat("ghost")).isInstanceOf(NotFoundException.class)
                    .hasMessage("Worker not found");
        }
    }

    @DbTest
    void afterAStartEveryWorkerGetsAFullWindow(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("w1", 1);
            f.clock.advance(Duration.ofHours(2));
            // A new node (or a restart) with a clock far past w1's last heartbeat.
            var restarted = new dev.vectis.workers.WorkerRegistry(f.database.jdbi(), f.clock,
                    QueueFixture.OFFLINE_AFTER);
            assertThat(restarted.sweep(f.reaper)).isZero();
            assertThat(restarted.get("w1").online()).isTrue();
            f.clock.advance(Duration.ofSeconds(31));
            assertThat(restarted.sweep(f.reaper)).isEqualTo(1);
        }
    }

    @DbTest
    void aLostWorkersJobFailsWhenItHasNoAttemptsLeft(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("w1", 1);
            Job job = f.job("echo", null, null);
            f.queue.claim("w1");
            f.sweepAfter(Duration.ofSeconds(31));
            Job stored = f.queue.get(job.id());
            assertThat(stored.status()).isEqualTo(Job.FAILED);
            assertThat(stored.errorMessage()).isEqualTo("worker lost");
            assertThat(stored.completedAt()).isEqualTo(f.clock.millis());
            assertThat(f.workers.get("w1").executorStatus()).isEqualTo("offline");
        }
    }

    @DbTest
    void aLostWorkersJobIsRetriedWhileItHasAttemptsLeft(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("w1", 1);
            Job job = f.job("echo", 2, null);
            f.queue.claim("w1");
            f.sweepAfter(Duration.ofSeconds(31));
            Job requeued = f.queue.get(job.id());
            assertThat(requeued.status()).isEqualTo(Job.PENDING);
            assertThat(requeued.workerId()).isNull();
            assertThat(requeued.attempt()).isEqualTo(1);

            f.worker("w2", 1);
            Claim second = f.queue.claim("w2");
            assertThat(second.job().id()).isEqualTo(job.id());
            assertThat(second.job().attempt()).isEqualTo(2);
            // w1 comes back and reports on its old attempt: refused, nothing changes.
            assertThatThrownBy(() -> f.results.complete(job.id(), "w1", 1, "late", "", 0))
                    .isInstanceOf(ForbiddenException.class);
            f.results.complete(job.id(), "w2", 2, "done", "", 0);
            assertThat(f.queue.get(job.id()).stdout()).isEqualTo("done");
        }
    }

    @DbTest
    void aLateReportFromAnEarlierAttemptOfTheSameWorkerIsRefused(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("w1", 1);
            Job job = f.job("echo", 3, null);
            f.queue.claim("w1");
            f.sweepAfter(Duration.ofSeconds(31));
            f.workers.heartbeat("w1");
            assertThat(f.queue.claim("w1").job().attempt()).isEqualTo(2);
            assertThatThrownBy(() -> f.results.complete(job.id(), "w1", 1, "stale", "", 0))
                    .isInstanceOf(ConflictException.class).hasMessageContaining("attempt 1");
            assertThatThrownBy(() -> f.results.appendOutput(job.id(), "w1", 1, "stdout", "stale"))
                    .isInstanceOf(ConflictException.class);
            assertThat(f.queue.get(job.id()).status()).isEqualTo(Job.RUNNING);
            f.results.complete(job.id(), "w1", 2, "fresh", "", 0);
            assertThat(f.queue.get(job.id()).stdout()).isEqualTo("fresh");
        }
    }

    @DbTest
    void aJobPastItsTimeoutFails(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            f.worker("w1", 1);
            Job job = f.job("sleep 100", null, 10);
            f.queue.claim("w1");
            f.clock.advance(Duration.ofSeconds(9));
            f.workers.heartbeat("w1");
            assertThat(f.reaper.expireOverdue()).isZero();
            f.clock.advance(Duration.ofSeconds(2));
            assertThat(f.reaper.expireOverdue()).isEqualTo(1);
            Job stored = f.queue.get(job.id());
            assertThat(stored.status()).isEqualTo(Job.FAILED);
            assertThat(stored.errorMessage()).isEqualTo("timed out");
            assertThatThrownBy(() -> f.results.complete(job.id(), "w1", 1, "", "", 0))
                    .isInstanceOf(ConflictException.class);
            assertThat(f.workers.get("w1").executorStatus()).isEqualTo("idle");
        }
    }

    @DbTest
    void noJobIsLeftRunningOnAWorkerThatDied(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            for (String w : new String[] {"w1", "w2", "w3"}) {
                f.worker(w, 2);
            }
            for (int i = 0; i < 9; i++) {
                f.job("echo " + i, i % 2 == 0 ? 2 : 1, null);
            }
            f.queue.claim("w1");
            f.queue.claim("w1");
            f.queue.claim("w2");
            f.clock.advance(Duration.ofSeconds(20));
            f.workers.heartbeat("w2");
            f.sweepAfter(Duration.ofSeconds(15));
            for (Job job : f.queue.list(JobFilter.all(null), null, 100, null).items()) {
                if (job.status().equals(Job.RUNNING)) {
                    assertThat(job.workerId()).isEqualTo("w2");
                }
            }
            Worker w1 = f.workers.get("w1");
            assertThat(w1.online()).isFalse();
            assertThat(w1.runningJobs()).isZero();
        }
    }
}
