package dev.vectis.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @DbTest
    void everyValueComesBackAsItWasSentEscapesNullsAndExtremesIncluded(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (Database database = db.open()) {
            gateway(database, clock, "esc");
            WorkerMetrics metrics = new WorkerMetrics(database.jdbi(), clock, Duration.ofHours(1));
            List<MetricsSample> sent = List.of(
                    new MetricsSample("esc", "MAINTENANCE", 0.1, 1e-300, Long.MAX_VALUE, 0L, Integer.MAX_VALUE, 0,
                            1, 2, 3, 4, "tab\there\\ and \\N, a line\nbreak",
                            "{\"note\":\"back\\\\slash\\ttab\\nnewline \u00e9\u20ac\ud83d\ude80\",\"cr\":\"\\r\"}", 1_000_001),
                    new MetricsSample("esc", null, null, null, null, null, null, null, null, null, null, null, null,
                            null, 1_000_002),
                    new MetricsSample("esc", "ONLINE", Double.MAX_VALUE, Double.MIN_VALUE, 1L, 2L, 0, 0, 0, 0, 0, 0,
                            "2026-01-01T00:00:00.123456789+01:00", "\t\r\n\\.\n\\.", 1_000_003));
            sent.forEach(metrics::record);
            metrics.flush();

            assertThat(metrics.since("esc", 0, 10)).containsExactlyElementsOf(sent);
        }
    }

    @DbTest
    void aFlushTheDatabaseRefusesIsKeptAndLeavesEveryConnectionUsable(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (Database database = db.open()) {
            WorkerRegistry registry = gateway(database, clock, "refused");
            WorkerMetrics metrics = new WorkerMetrics(database.jdbi(), clock, Duration.ofHours(1));
            for (int n = 0; n < 2_000; n++) {
                metrics.record(sample("refused", n));
            }
            // Longer than the column allows: the database refuses the whole flush, part-way through it.
            metrics.record(new MetricsSample("refused", "S".repeat(21), null, null, null, null, null, null, null,
                    null, null, null, null, null, 2_000_000));

            assertThatThrownBy(metrics::flush).isInstanceOf(RuntimeException.class);

            assertThat(metrics.since("refused", 0, 10)).isEmpty();
            for (int i = 0; i < 30; i++) {
                assertThat(metrics.latest("refused")).isEmpty();
                assertThat(registry.find("refused")).isPresent();
            }
            assertThatThrownBy(metrics::flush).as("kept for the next flush").isInstanceOf(RuntimeException.class);
        }
    }

    @DbTest
    void thePruneDeletesOnlyOldSamplesThroughTheTimeIndex(TestDatabase db) {
        MutableClock clock = new MutableClock(java.time.Instant.ofEpochMilli(1_000_000));
        try (Database database = db.open()) {
            gateway(database, clock, "old");
            WorkerMetrics metrics = new WorkerMetrics(database.jdbi(), clock, Duration.ofMillis(1_000_000));
            int samples = 60_000;
            for (int n = 0; n < samples; n++) {
                metrics.record(sample("old", n)); // created at 1,000,000 + n
            }
            metrics.flush();
            clock.advance(Duration.ofMillis(1_000_600)); // the cutoff: 1,000,600

            assertThat(metrics.prune()).isEqualTo(600);
            assertThat(metrics.prune()).isZero();
            assertThat(metrics.since("old", 0, 1)).extracting(MetricsSample::createdAt).containsExactly(1_000_600L);
            if (db.isPostgres()) {
                String plan = database.jdbi().withHandle(h -> {
                    h.execute("ANALYZE worker_metrics");
                    return String.join("\n", h.createQuery("EXPLAIN " + WorkerMetrics.PRUNE.replace(":cutoff",
                            "1000600")).mapTo(String.class).list());
                });
                assertThat(plan).contains("worker_metrics_time").doesNotContain("Seq Scan");
            }
        }
    }

    private static WorkerRegistry gateway(Database database, MutableClock clock, String workerId) {
        WorkerRegistry registry = new WorkerRegistry(database.jdbi(), clock, Duration.ofSeconds(30));
        registry.registerGateway(new GatewayRegistration(workerId, "http://" + workerId + ":8001", 50, null, "ONLINE",
                "1.0.0", "TESTING"));
        return registry;
    }

    private static MetricsSample sample(String workerId, long n) {
        return new MetricsSample(workerId, "ONLINE", 12.5, 40.0, 3600 + n, n, 25, 20, 2, 2, 1, 0,
                "2026-01-01T00:00:00Z", null, 1_000_000 + n);
    }
}
