package dev.vectis.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.db.Database;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The overview's last hour: one sample a minute, at most sixty, oldest first, read from the snapshot. */
class FleetHistoryTest {

    private static FleetSnapshot snapshot(long pending, long running, long online, long at) {
        return new FleetSnapshot(Map.of("executor/online", online, "gateway/online", 1L, "gateway/offline", 5L),
                Map.of(), pending, running, null, Map.of(), Map.of(), 0, at);
    }

    @DbTest
    void keepsOneSampleAMinuteAndAtMostSixty(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (Database database = db.open()) {
            FleetHistory history = new FleetHistory(database.jdbi(), clock);
            assertThat(history.series()).isEmpty();
            for (int i = 0; i < 70; i++) {
                history.record(snapshot(i, 2, 3, clock.millis()));
                clock.advance(Duration.ofSeconds(30));
                history.record(snapshot(i + 1000, 2, 3, clock.millis())); // the same minute: replaces
                clock.advance(Duration.ofSeconds(30));
            }
            clock.advance(Duration.ofSeconds(-1));
            List<FleetHistory.Minute> series = history.series();
            assertThat(series).hasSize(FleetHistory.SIZE);
            assertThat(series.get(0).pending()).as("the oldest kept: the 11th minute's last sample")
                    .isEqualTo(1010);
            assertThat(series.get(59).pending()).isEqualTo(1069);
            assertThat(series.get(59).running()).isEqualTo(2);
            assertThat(series.get(59).online()).as("online workers of every contract").isEqualTo(4);
            assertThat(series.get(59).minute()).isEqualTo("2030-01-01T01:09:00Z");

            clock.advance(Duration.ofMinutes(30));
            assertThat(history.series()).as("samples older than an hour are not shown").hasSize(30);

            history.sample();
            List<FleetHistory.Minute> read = history.series();
            assertThat(read).hasSize(31);
            assertThat(read.get(30).pending()).as("read from the database").isEqualTo(0);
            assertThat(read.get(30).online()).isEqualTo(0);
        }
    }
}
