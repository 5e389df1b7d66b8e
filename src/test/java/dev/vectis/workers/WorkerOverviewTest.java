package dev.vectis.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.db.Database;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.Set;

/** One worker's overview comes from one query: the right sessions, the newest sample, nothing for a stranger. */
class WorkerOverviewTest {

    private static final Set<String> ENDED = Set.of("disconnected", "deleted", "logged_out", "failed", "error");

    @DbTest
    void itHasTheLiveSessionsInOrderAndTheNewestSample(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (Database database = db.open()) {
            WorkerRegistry workers = new WorkerRegistry(database.jdbi(), clock, Duration.ofSeconds(30));
            for (String id : new String[] {"w-1", "w-2"}) {
                workers.registerGateway(new GatewayRegistration(id, "http://" + id + ":8001", 50, "a worker", "ONLINE",
                        "1.0.0", "TESTING"));
            }
            database.jdbi().useHandle(h -> {
                String session = "INSERT INTO chat_sessions (id, worker_id, status, created_at, updated_at) "
                        + "VALUES (?, ?, ?, 0, 0)";
                h.execute(session, "s-b", "w-1", "connected");
                h.execute(session, "s-a", "w-1", "qr_required");
                h.execute(session, "s-c", "w-1", "logged_out");
                h.execute(session, "s-d", "w-2", "connected");
            });
            WorkerMetrics metrics = new WorkerMetrics(database.jdbi(), clock, Duration.ofDays(7));
            long now = clock.millis();
            for (double cpu : new double[] {10, 20, 30}) {
                // The last two in the same millisecond: the later one (by id) is the newest.
                metrics.record(new MetricsSample("w-1", "ONLINE", cpu, 50.0, 10L, 1L, 2, 2, 0, 0, 0, 0,
                        "2024-01-15T10:30:00.000Z", "{\"load\":1}", cpu == 10 ? now - 1000 : now));
            }
            metrics.flush();

            WorkerOverview one = workers.overview("w-1", ENDED).orElseThrow();
            assertThat(one.worker().id()).isEqualTo("w-1");
            assertThat(one.worker().description()).isEqualTo("a worker");
            assertThat(one.liveSessions()).containsExactly("s-a", "s-b");
            assertThat(one.lastMetrics()).get().satisfies(m -> {
                assertThat(m.cpuUsage()).isEqualTo(30.0);
                assertThat(m.sessionTotal()).isEqualTo(2);
                assertThat(m.extra()).isEqualTo("{\"load\":1}");
                assertThat(m.createdAt()).isEqualTo(now);
            });

            WorkerOverview two = workers.overview("w-2", ENDED).orElseThrow();
            assertThat(two.liveSessions()).containsExactly("s-d");
            assertThat(two.lastMetrics()).isEmpty();

            assertThat(workers.overview("nobody", ENDED)).isEmpty();
        }
    }
}
