package dev.vectis.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vectis.testing.DbTest;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The liveness sweeper, running as in production against a clock the test moves: most of the
 * fleet going quiet at once holds off marking with one alert; one worker going quiet is
 * marked offline as ever.
 */
class FleetSilenceTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final List<String> FLEET = List.of("w1", "w2", "w3", "w4", "w5");

    @DbTest
    void mostOfTheFleetGoingQuietHoldsOffWithOneAlertUntilHeartbeatsResume(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (TestApp app = TestApp.start(db, Map.of("VECTIS_HEARTBEAT_SILENCE_HOLD_SECONDS", "600"), clock)) {
            WorkerRegistry workers = register(app, FLEET);
            stepWhileBeating(workers, clock, 4, "w1"); // w2..w5 silent 40 s of a 30 s window
            await().atMost(PATIENCE).until(() -> count(app, "fleet.silence") == 1);
            assertThat(online(app)).as("nobody marked offline").isEqualTo(5);

            stepWhileBeating(workers, clock, 3, "w1");
            for (String w : FLEET) {
                workers.heartbeat(w); // the network is back
            }
            await().atMost(PATIENCE).until(() -> count(app, "fleet.silence.ended") == 1);
            assertThat(data(app, "fleet.silence.ended")).contains("\"reason\":\"heartbeats resumed\"");
            assertThat(data(app, "fleet.silence")).contains("\"online\":5", "\"quiet\":4");
            assertThat(count(app, "fleet.silence")).as("one alert for the episode").isEqualTo(1);
            assertThat(count(app, "worker.offline")).isZero();
            assertThat(online(app)).isEqualTo(5);
        }
    }

    @DbTest
    void theHoldIsBoundedAndThenTheSilentGoOffline(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (TestApp app = TestApp.start(db, Map.of("VECTIS_HEARTBEAT_SILENCE_HOLD_SECONDS", "60"), clock)) {
            WorkerRegistry workers = register(app, FLEET);
            stepWhileBeating(workers, clock, 4, "w1");
            await().atMost(PATIENCE).until(() -> count(app, "fleet.silence") == 1);

            stepWhileBeating(workers, clock, 7, "w1"); // past the 60 s hold
            await().atMost(PATIENCE).until(() -> count(app, "worker.offline") == 4);
            assertThat(data(app, "fleet.silence.ended")).contains("\"reason\":\"hold passed\"");
            assertThat(workers.get("w1").online()).isTrue();
            assertThat(count(app, "fleet.silence")).isEqualTo(1);
        }
    }

    @DbTest
    void oneQuietWorkerInAFleetGoesOfflineAsEver(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (TestApp app = TestApp.start(db, Map.of(), clock)) {
            WorkerRegistry workers = register(app, FLEET);
            stepWhileBeating(workers, clock, 4, "w1", "w2", "w3", "w4");
            await().atMost(PATIENCE).until(() -> count(app, "worker.offline") == 1);
            assertThat(workers.get("w5").online()).isFalse();

            // w5 is gone; three of the four left go quiet: a fleet of four, not half of it.
            stepWhileBeating(workers, clock, 4, "w1");
            await().atMost(PATIENCE).until(() -> count(app, "fleet.silence") == 1);
            assertThat(online(app)).isEqualTo(4);
        }
    }

    @DbTest
    void aQuietSmallFleetGoesOfflineAsEver(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (TestApp app = TestApp.start(db, Map.of(), clock)) {
            WorkerRegistry workers = register(app, List.of("s1", "s2", "s3"));
            stepWhileBeating(workers, clock, 4);
            await().atMost(PATIENCE).until(() -> count(app, "worker.offline") == 3);
            assertThat(count(app, "fleet.silence")).as("fewer than four workers are not judged").isZero();
        }
    }

    @DbTest
    void vpsHostsThatSendNoHeartbeatsAreNotCounted(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (TestApp app = TestApp.start(db, Map.of(), clock)) {
            WorkerRegistry workers = register(app, List.of("w1"));
            for (int i = 0; i < 5; i++) {
                app.app().features().marketWorkers().register("host " + i, "http://127.0.0.1:9", 1);
            }
            stepWhileBeating(workers, clock, 4, "w1");
            await().atMost(PATIENCE).until(() -> count(app, "worker.offline") == 5);
            assertThat(count(app, "fleet.silence")).isZero();
            assertThat(workers.get("w1").online()).isTrue();
        }
    }

    private static WorkerRegistry register(TestApp app, List<String> ids) {
        WorkerRegistry workers = app.app().features().workers();
        for (String id : ids) {
            workers.registerExecutor(new ExecutorRegistration(id, id, "linux", 1, "1.0", 1, "192.0.2.1"));
        }
        return workers;
    }

    /** {@code steps} times: the given workers beat, then ten seconds pass. */
    private static void stepWhileBeating(WorkerRegistry workers, MutableClock clock, int steps, String... beating) {
        for (int i = 0; i < steps; i++) {
            for (String w : beating) {
                workers.heartbeat(w);
            }
            clock.advance(Duration.ofSeconds(10));
        }
    }

    private static int count(TestApp app, String type) {
        return app.app().database().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM events WHERE type = :t")
                .bind("t", type).mapTo(Integer.class).one());
    }

    private static String data(TestApp app, String type) {
        return app.app().database().jdbi().withHandle(h -> h.createQuery("SELECT data FROM events WHERE type = :t")
                .bind("t", type).mapTo(String.class).one());
    }

    private static int online(TestApp app) {
        return app.app().database().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM workers WHERE online")
                .mapTo(Integer.class).one());
    }
}
