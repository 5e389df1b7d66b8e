package dev.vectis.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.db.Database;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;

/**
 * What heartbeat answers carry when several nodes share one database: a command queued on a
 * node is delivered by it at once, by the others within {@link WorkerCommands#FROM_OTHER_NODES_WITHIN},
 * and by none of them once acknowledged.
 */
class WorkerCommandsTest {

    private static final String WORKER = "worker-001";

    @DbTest
    void aCommandQueuedOnAnotherNodeIsDeliveredWithinTheBoundAndNeverAfterItsAcknowledgement(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (Database database = db.open()) {
            new WorkerRegistry(database.jdbi(), clock, Duration.ofSeconds(30))
                    .registerGateway(new GatewayRegistration(WORKER, "http://localhost:8001", 50, null, "ONLINE",
                            "1.0.0", "TESTING"));
            WorkerCommands here = new WorkerCommands(database.jdbi(), clock);
            WorkerCommands there = new WorkerCommands(database.jdbi(), clock);
            assertThat(there.toDeliver(WORKER)).isEmpty();

            WorkerCommands.Command queued = here.queue(WORKER, "restart", "{\"force\":true}");
            assertThat(here.toDeliver(WORKER)).extracting(WorkerCommands.Command::id).containsExactly(queued.id());

            clock.advance(WorkerCommands.FROM_OTHER_NODES_WITHIN);
            assertThat(there.toDeliver(WORKER)).extracting(WorkerCommands.Command::id).containsExactly(queued.id());
            assertThat(there.toDeliver("worker-002")).isEmpty();

            database.jdbi().useHandle(h -> assertThat(here.acknowledge(h, WORKER, queued.id())).isTrue());
            assertThat(there.toDeliver(WORKER)).isEmpty();
            assertThat(here.toDeliver(WORKER)).isEmpty();
        }
    }

    @DbTest
    void aNodeThatHasReadRecentlyStillSeesCommandsItQueuesItself(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (Database database = db.open()) {
            WorkerRegistry registry = new WorkerRegistry(database.jdbi(), clock,
                    Duration.ofSeconds(30));
            for (String id : new String[] {WORKER, "worker-002"}) {
                registry.registerGateway(new GatewayRegistration(id, "http://" + id + ":8001", 50, null, "ONLINE",
                        "1.0.0", "TESTING"));
            }
            WorkerCommands commands = new WorkerCommands(database.jdbi(), clock);
            assertThat(commands.toDeliver(WORKER)).isEmpty();
            WorkerCommands.Command first = commands.queue(WORKER, "ping", null);
            WorkerCommands.Command second = commands.queue("worker-002", "ping", null);
            // The clock has not moved: no new read of the database, yet both are delivered.
            assertThat(commands.toDeliver(WORKER)).extracting(WorkerCommands.Command::id).containsExactly(first.id());
            assertThat(commands.toDeliver("worker-002")).extracting(WorkerCommands.Command::id)
                    .containsExactly(second.id());
            clock.advance(Duration.ofMinutes(5));
            assertThat(commands.toDeliver(WORKER)).extracting(WorkerCommands.Command::id).containsExactly(first.id());
        }
    }

    @DbTest
    void aClockSetBackDoesNotPutTheNextReadOff(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (Database database = db.open()) {
            new WorkerRegistry(database.jdbi(), clock, Duration.ofSeconds(30))
                    .registerGateway(new GatewayRegistration(WORKER, "http://localhost:8001", 50, null, "ONLINE",
                            "1.0.0", "TESTING"));
            WorkerCommands here = new WorkerCommands(database.jdbi(), clock);
            WorkerCommands there = new WorkerCommands(database.jdbi(), clock);
            assertThat(there.toDeliver(WORKER)).isEmpty();
            clock.advance(Duration.ofHours(-1));
            WorkerCommands.Command queued = here.queue(WORKER, "ping", null);
            assertThat(there.toDeliver(WORKER)).extracting(WorkerCommands.Command::id).containsExactly(queued.id());
        }
    }
}
