package dev.vectis.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.db.Database;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestDatabase;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/** A scrape reads the database once for all the fleet's gauges, and at most once per 5 s. */
class FleetGaugesTest {

    @DbTest
    void scrapesShareOneReadUntilItIsFiveSecondsOld(TestDatabase db) {
        MutableClock clock = new MutableClock();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (Database database = db.open()) {
            FleetGauges gauges = FleetGauges.bind(database.jdbi(), clock, registry);
            Scrape first = Scrape.parse(registry.scrape());
            assertThat(first.all("vectis_workers")).hasSize(24);
            assertThat(first.all("vectis_sessions")).hasSize(18);
            registry.scrape();
            assertThat(gauges.reads()).as("two scrapes of some sixty series").isEqualTo(1);

            database.jdbi().useHandle(h -> h.execute("INSERT INTO users (id, email, email_lower, name, coins, "
                    + "created_at, updated_at) VALUES ('u1', 'a@example.com', 'a@example.com', 'A', 42, 0, 0)"));
            clock.advance(Duration.ofMillis(4_900));
            assertThat(Scrape.parse(registry.scrape()).value("vectis_coins_in_circulation")).isZero();
            clock.advance(Duration.ofMillis(100));
            assertThat(Scrape.parse(registry.scrape()).value("vectis_coins_in_circulation")).isEqualTo(42);
            assertThat(gauges.reads()).isEqualTo(2);

            database.close();
            clock.advance(Duration.ofSeconds(5));
            Scrape down = Scrape.parse(registry.scrape());
            assertThat(down.value("vectis_coins_in_circulation")).as("unknown, not stale").isNaN();
            assertThat(down.value("vectis_fleet_snapshot_failures_total")).isEqualTo(1);
            registry.scrape();
            assertThat(gauges.reads()).as("a failing database is asked once per 5 s too").isEqualTo(3);
        }
    }
}
