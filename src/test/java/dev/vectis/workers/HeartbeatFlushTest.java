package dev.vectis.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.db.Database;
import dev.vectis.events.EventLog;
import dev.vectis.jobs.JobEvents;
import dev.vectis.jobs.JobQueue;
import dev.vectis.jobs.NewJob;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Heartbeat batches are written in id order by one writer per node, so flushes on two nodes,
 * the sweep's flush and claims locking worker rows all run at once without one deadlock: not
 * even one that the transaction retry would have hidden.
 */
class HeartbeatFlushTest {

    private static final int WORKERS = 60;
    private static final int ROUNDS = 150;

    @DbTest
    void flushesOnTwoNodesBesideSweepsAndClaimsNeverDeadlock(TestDatabase db) throws Exception {
        MutableClock clock = new MutableClock();
        try (Database database = db.open()) {
            WorkerRegistry nodeA = new WorkerRegistry(database.jdbi(), clock, Duration.ofSeconds(30));
            WorkerRegistry nodeB = new WorkerRegistry(database.jdbi(), clock, Duration.ofSeconds(30));
            JobQueue queue = new JobQueue(database.jdbi(), database.dialect(), clock,
                    new JobEvents(new EventLog(database.jdbi(), clock), database.dialect()), Duration.ofHours(1));
            List<String> ids = IntStream.range(0, WORKERS).mapToObj(i -> String.format("w%02d", i)).toList();
            for (String id : ids) {
                nodeA.registerExecutor(new ExecutorRegistration(id, id + ".local", "linux", 2, "1.0", 1000, "192.0.2.1"));
            }
            for (int i = 0; i < ROUNDS; i++) {
                queue.create(new NewJob("true", "/uploads/x.zip", "x.zip", 1, 60));
            }

            List<Callable<Void>> work = List.of(
                    // Node A hears every worker; node B a changing share of them, so their batches
                    // differ in size and a hash map would walk the shared ids in another order.
                    () -> beatAndFlush(nodeA, ids, ids.size()),
                    () -> beatAndFlush(nodeB, ids, 0),
                    () -> {
                        for (int i = 0; i < ROUNDS; i++) {
                            nodeA.sweep((h, id, now) -> { });
                        }
                        return null;
                    },
                    () -> {
                        for (int i = 0; i < ROUNDS; i++) {
                            queue.claim(ids.get(ThreadLocalRandom.current().nextInt(ids.size())));
                        }
                        return null;
                    });
            ExecutorService threads = Executors.newFixedThreadPool(work.size());
            try {
                List<Future<Void>> done = new ArrayList<>();
                for (Callable<Void> w : work) {
                    done.add(threads.submit(w));
                }
                for (Future<Void> f : done) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                threads.shutdownNow();
            }
            assertThat(database.retries()).as("transactions that lost a deadlock and ran again").isZero();
            assertThat(nodeA.list(null, WORKERS).items()).allSatisfy(w -> assertThat(w.online()).isTrue());
        }
    }

    /** {@code share} 0: a random number of workers each round. */
    private static Void beatAndFlush(WorkerRegistry node, List<String> ids, int share) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < ROUNDS; i++) {
            List<String> heard = new ArrayList<>(ids);
            java.util.Collections.shuffle(heard, random);
            for (String id : heard.subList(0, share > 0 ? share : 2 + random.nextInt(ids.size() - 2))) {
                node.heartbeat(id);
            }
            node.flush();
        }
        return null;
    }
}
