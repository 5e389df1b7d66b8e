package dev.vectis.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.events.EventLog;
import dev.vectis.events.NewEvent;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Old events and the output history of long-finished jobs are pruned; results and live jobs stay. */
class RetentionTest {

    @DbTest
    void oldEventsAndFinishedJobsHistoryArePruned(TestDatabase db) {
        try (QueueFixture f = new QueueFixture(db)) {
            EventLog log = new EventLog(f.database.jdbi(), f.clock);
            f.worker("w1", 2);
            Job finished = f.job("echo old", null, null);
            Job running = f.job("sleep 1000", null, 86_400 * 60);
            f.queue.claim("w1");
            f.queue.claim("w1");
            f.results.appendOutput(finished.id(), "w1", 1, "stdout", "old output");
            f.results.complete(finished.id(), "w1", 1, null, null, 0);
            log.append(NewEvent.of("test.old", "test", "w1", Map.of()));

            f.clock.advance(Duration.ofDays(31));
            f.workers.heartbeat("w1");
            log.append(NewEvent.of("test.new", "test", "w1", Map.of()));
            assertThat(log.prune(Duration.ofDays(30))).isPositive();

            List<String> types = f.database.jdbi().withHandle(h -> h.createQuery("SELECT type FROM events ORDER BY id")
                    .mapTo(String.class).list());
            assertThat(types).contains("test.new").doesNotContain("test.old", "job.completed");
            assertThat(f.queue.eventsAfter(finished.id(), 0, 100)).isEmpty();
            assertThat(f.queue.eventsAfter(running.id(), 0, 100)).isNotEmpty();
            Job kept = f.queue.get(finished.id());
            assertThat(kept.status()).isEqualTo(Job.COMPLETED);
            assertThat(kept.stdout()).isEqualTo("old output");
        }
    }
}
