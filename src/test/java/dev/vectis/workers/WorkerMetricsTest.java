package dev.vectis.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.db.Database;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.List;

class WorkerMetricsTest {

    @DbTest
    void oneFlushStoresEverySampleQueuedInOrderThoughItTakesSeveralTransactions(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (Database database = db.open()) {
            WorkerRegistry registry = new WorkerRegistry(database.jdbi(), clock, Duration.ofSeconds(30));
            List<String> ids = List.of("m1", "m2", "m3");
            for (String id : ids) {
                registry.registerExecutor(new ExecutorRegistration(id, id + ".local", "linux", 2, "1.0", 1000,
                        "192.0.2.1"));
            }
            WorkerMetrics metrics = new WorkerMetrics(database.jdbi(), clock, Duration.ofHours(1));
            int beats = 21_234; // two transactions of 10,000 and a third; parts of 1,000 in each
            for (int n = 0; n < beats; n++) {
                metrics.record(sample(ids.get(n % ids.size()), n));
            }
            metrics.record(sample("never-registered", beats));
            metrics.flush();

            for (String id : ids) {
                List<MetricsSample> stored = metrics.since(id, 0, 10_000);
                assertThat(stored).as(id).hasSize((int) java.util.stream.IntStream.range(0, beats)
                        .filter(n -> ids.get(n % ids.size()).equals(id)).count());
                assertThat(stored).extracting(MetricsSample::messageCount).isSorted();
            }
            assertThat(metrics.since("never-registered", 0, 10)).isEmpty();
        }
    }

    @DbTest
    void aRemovedWorkersSamplesGoWithIt(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (Database database = db.open()) {
            WorkerRegistry registry = new WorkerRegistry(database.jdbi(), clock, Duration.ofSeconds(30));
            for (String id : List.of("stays", "goes")) {
                registry.registerGateway(new GatewayRegistration(id, "http://" + id + ":8001", 50, null, "ONLINE",
                        "1.0.0", "TESTING"));
            }
            WorkerMetrics metrics = new WorkerMetrics(database.jdbi(), clock, Duration.ofHours(1));
            for (int n = 0; n < 3; n++) {
                metrics.record(sample("stays", n));
                metrics.record(sample("goes", n));
            }
            metrics.flush();

            assertThat(registry.unregister("goes", (h, workerId, at) -> { })).isTrue();

            assertThat(metrics.since("goes", 0, 10)).isEmpty();
            assertThat(metrics.since("stays", 0, 10)).hasSize(3);
            // Registered again under the same name, it starts with no history.
            registry.registerGateway(new GatewayRegistration("goes", "http://goes:8001", 50, null, "ONLINE",
                    "1.0.0", "TESTING"));
            assertThat(metrics.since("goes", 0, 10)).isEmpty();
        }
    }

    private static MetricsSample sample(String workerId, long n) {
        return new MetricsSample(workerId, "ONLINE", 12.5, 40.0, 3600 + n, n, 25, 20, 2, 2, 1, 0,
                "2026-01-01T00:00:00Z", null, 1_000_000 + n);
    }
}
