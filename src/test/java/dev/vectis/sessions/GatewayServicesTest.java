package dev.vectis.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.db.Database;
import dev.vectis.events.EventLog;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestDatabase;
import dev.vectis.workers.GatewayRegistration;
import dev.vectis.workers.MetricsSample;
import dev.vectis.workers.OfflineListener;
import dev.vectis.workers.WorkerCommands;
import dev.vectis.workers.WorkerMetrics;
import dev.vectis.workers.WorkerRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The gateway's services without HTTP or background loops, on a clock the test moves:
 * metrics retention, liveness of session workers, and the order of what a worker reports.
 */
class GatewayServicesTest {

    private static final Duration OFFLINE_AFTER = Duration.ofSeconds(30);
    private static final OfflineListener NOBODY = (h, id, now) -> { };

    /** The services one node wires, on one test database. */
    private static final class Fixture implements AutoCloseable {
        final MutableClock clock = new MutableClock();
        final Database database;
        final WorkerRegistry workers;
        final WorkerMetrics metrics;
        final WorkerCommands commands;
        final GatewayEvents events;
        final ChatSessions sessions;

        Fixture(TestDatabase db, Duration retention) {
            database = db.open();
            workers = new WorkerRegistry(database.jdbi(), clock, OFFLINE_AFTER);
            metrics = new WorkerMetrics(database.jdbi(), clock, retention);
            commands = new WorkerCommands(database.jdbi(), clock);
            events = new GatewayEvents(database.jdbi(), clock, new EventLog(database.jdbi(), clock), workers,
                    commands);
            sessions = new ChatSessions(database.jdbi());
        }

        void worker(String id, String status) {
            workers.registerGateway(new GatewayRegistration(id, "http://" + id + ":8001", 50, null, status, "1.0.0",
                    "TESTING"));
        }

        void sample(String workerId, double cpu) {
            metrics.record(new MetricsSample(workerId, "ONLINE", cpu, 50.0, 10L, 1L, 1, 1, 0, 0, 0, 0,
                    "2024-01-15T10:30:00.000Z", null, clock.millis()));
        }

        List<Double> cpu(String workerId) {
            List<Double> out = new ArrayList<>();
            metrics.since(workerId, 0, 1000).forEach(s -> out.add(s.cpuUsage()));
            return out;
        }

        String status(String workerId) {
            return workers.get(workerId).gatewayStatus();
        }

        boolean record(String event, String workerId, String sessionId, Map<String, Object> data) {
            return events.record(new GatewayEvent("events", event, workerId, sessionId, data,
                    Long.toString(clock.millis())));
        }

        @Override
        public void close() {
            database.close();
        }
    }

    // ---------------------------------------------------------------- metrics retention

    @DbTest
    void metricsAreKeptForTheRetentionPeriodAndNoLonger(TestDatabase db) {
        try (Fixture f = new Fixture(db, Duration.ofDays(7))) {
            f.worker("w1", "ONLINE");
            f.sample("w1", 1);
            f.metrics.flush();
            f.clock.advance(Duration.ofDays(3));
            f.sample("w1", 2);
            f.metrics.flush();
            f.clock.advance(Duration.ofDays(4));
            assertThat(f.metrics.prune()).as("exactly seven days old: kept").isZero();
            f.clock.advance(Duration.ofMillis(1));
            f.sample("w1", 3);
            f.metrics.flush();
            assertThat(f.metrics.prune()).isEqualTo(1);
            assertThat(f.cpu("w1")).containsExactly(2.0, 3.0);
            assertThat(f.metrics.latest("w1")).extracting(MetricsSample::cpuUsage).containsExactly(3.0);

            f.clock.advance(Duration.ofDays(4));
            assertThat(f.metrics.prune()).isEqualTo(1);
            assertThat(f.cpu("w1")).containsExactly(3.0);
        }
    }

    @DbTest
    void aShorterRetentionPrunesSooner(TestDatabase db) {
        try (Fixture f = new Fixture(db, Duration.ofDays(1))) {
            f.worker("w1", "ONLINE");
            f.sample("w1", 1);
            f.metrics.flush();
            f.clock.advance(Duration.ofHours(25));
            f.sample("w1", 2);
            f.metrics.flush();
            assertThat(f.metrics.prune()).isEqualTo(1);
            assertThat(f.cpu("w1")).containsExactly(2.0);
        }
    }

    @DbTest
    void samplesAreInsertedInBatchesAndThoseOfUnknownWorkersDropped(TestDatabase db) {
        try (Fixture f = new Fixture(db, Duration.ofDays(7))) {
            f.worker("w1", "ONLINE");
            for (int i = 0; i < 250; i++) {
                f.sample("w1", i % 100);
            }
            f.sample("ghost", 5);
            assertThat(f.cpu("w1")).as("nothing before the flush").isEmpty();
            f.metrics.flush();
            assertThat(f.metrics.since("w1", 0, 10_000)).hasSize(250);
            assertThat(f.metrics.since("ghost", 0, 10)).isEmpty();
            f.metrics.flush();
            assertThat(f.metrics.since("w1", 0, 10_000)).as("nothing twice").hasSize(250);
        }
    }

    // ---------------------------------------------------------------- liveness and reported status

    @DbTest
    void aSilentSessionWorkerGoesOfflineAndAHeartbeatBringsItBack(TestDatabase db) {
        try (Fixture f = new Fixture(db, Duration.ofDays(7))) {
            f.worker("w1", "ONLINE");
            f.worker("w2", "MAINTENANCE");
            f.clock.advance(Duration.ofSeconds(20));
            f.workers.gatewayHeartbeat("w2", null);
            f.clock.advance(Duration.ofSeconds(11));
            assertThat(f.workers.sweep(NOBODY)).isEqualTo(1);
            assertThat(f.status("w1")).isEqualTo("OFFLINE");
            assertThat(f.workers.get("w1").online()).isFalse();
            assertThat(f.status("w2")).isEqualTo("MAINTENANCE");
            f.workers.gatewayHeartbeat("w1", null);
            f.workers.flush();
            assertThat(f.status("w1")).isEqualTo("ONLINE");
            f.clock.advance(Duration.ofSeconds(31));
            assertThat(f.workers.sweep(NOBODY)).isEqualTo(2);
            assertThat(f.status("w2")).as("silence wins over maintenance").isEqualTo("OFFLINE");
        }
    }

    @DbTest
    void maintenanceIsKeptByHeartbeatsWithoutStatus(TestDatabase db) {
        try (Fixture f = new Fixture(db, Duration.ofDays(7))) {
            f.worker("w1", "ONLINE");
            f.workers.gatewayHeartbeat("w1", "MAINTENANCE");
            f.workers.flush();
            assertThat(f.status("w1")).isEqualTo("MAINTENANCE");
            f.workers.gatewayHeartbeat("w1", null);
            f.workers.flush();
            assertThat(f.status("w1")).isEqualTo("MAINTENANCE");
            // Several in one batch: the newest status that was reported wins
            f.workers.gatewayHeartbeat("w1", "ONLINE");
            f.clock.advance(Duration.ofMillis(10));
            f.workers.gatewayHeartbeat("w1", null);
            f.workers.flush();
            assertThat(f.status("w1")).isEqualTo("ONLINE");
        }
    }

    @DbTest
    void aWorkersStopEventIsNotUndoneByItsEarlierHeartbeat(TestDatabase db) {
        try (Fixture f = new Fixture(db, Duration.ofDays(7))) {
            f.worker("w1", "ONLINE");
            // The worker's last heartbeat says ONLINE; a moment later it says it is stopping.
            f.workers.gatewayHeartbeat("w1", "ONLINE");
            f.clock.advance(Duration.ofMillis(50));
            assertThat(f.record("worker_stopping", "w1", null, Map.of())).isTrue();
            assertThat(f.status("w1")).isEqualTo("OFFLINE");
            // The heartbeat buffer is written after that (the flusher runs every 250 ms).
            f.workers.flush();
            assertThat(f.status("w1"))
                    .as("BUG: worker_stopping received after a heartbeat {status: ONLINE} is overwritten when that "
                            + "earlier, still-buffered heartbeat is flushed (WorkerStore.touch sets reported_status "
                            + "from the buffered beat without comparing times with the event)")
                    .isEqualTo("OFFLINE");
        }
    }

    @DbTest
    void aWorkersStartEventIsNotUndoneByItsEarlierMaintenanceHeartbeat(TestDatabase db) {
        try (Fixture f = new Fixture(db, Duration.ofDays(7))) {
            f.worker("w1", "ONLINE");
            f.workers.gatewayHeartbeat("w1", "MAINTENANCE");
            f.clock.advance(Duration.ofMillis(50));
            assertThat(f.record("worker_started", "w1", null, Map.of())).isTrue();
            f.workers.flush();
            // Later heartbeats carry no status: whatever the flush left stays for good.
            f.clock.advance(Duration.ofSeconds(10));
            f.workers.gatewayHeartbeat("w1", null);
            f.workers.flush();
            assertThat(f.status("w1"))
                    .as("BUG: worker_started received after a heartbeat {status: MAINTENANCE} is overwritten by that "
                            + "earlier, still-buffered heartbeat, and the worker then shows MAINTENANCE indefinitely")
                    .isEqualTo("ONLINE");
        }
    }

    // ---------------------------------------------------------------- sessions

    @DbTest
    void sessionsFollowTheirEventsAndLeaveWithTheirWorker(TestDatabase db) {
        try (Fixture f = new Fixture(db, Duration.ofDays(7))) {
            f.worker("w1", "ONLINE");
            assertThat(f.record("session_qr_ready", "w1", "s1", Map.of("qrCode", "qr-1", "qrString", "1@x"))).isTrue();
            assertThat(f.record("session_qr_ready", "w1", "s1", Map.of("qrCode", "qr-1", "qrString", "1@x")))
                    .as("the same worker, event, session and timestamp: a retry").isFalse();
            f.clock.advance(Duration.ofSeconds(1));
            assertThat(f.record("session_connected", "w1", "s1", Map.of("phoneNumber", "+62"))).isTrue();
            ChatSession s = f.sessions.find("s1").orElseThrow();
            assertThat(s.status()).isEqualTo("connected");
            assertThat(s.phoneNumber()).isEqualTo("+62");
            assertThat(s.qrCode()).isEqualTo("qr-1");
            assertThat(s.qrString()).isEqualTo("1@x");
            assertThat(f.sessions.liveOn("w1")).containsExactly("s1");

            assertThat(f.events.unregister("w1", NOBODY)).isTrue();
            assertThat(f.sessions.find("s1").orElseThrow().status()).isEqualTo("disconnected");
            assertThat(f.sessions.liveOn("w1")).isEmpty();
            assertThat(f.events.unregister("w1", NOBODY)).isFalse();
        }
    }
}
