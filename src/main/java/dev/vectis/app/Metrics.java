package dev.vectis.app;

import dev.vectis.jobs.JobMeters;
import dev.vectis.metrics.FleetGauges;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** Vectis's own series in /metrics besides the JVM's, the pool's and HTTP's; docs/operations.md lists them all. */
final class Metrics {

    private Metrics() {
    }

    static void bind(MeterRegistry registry, Jdbi jdbi, Clock clock, Features features, List<BackgroundLoop> loops) {
        FleetGauges.bind(jdbi, clock, registry);
        JobMeters.bind(features.jobs().events(), registry);
        features.vpsSessions().bindMetrics(registry);
        loops(loops, registry);
    }

    /**
     * When each background loop of this node last ran to its end, and how often it failed. A
     * loop that runs on one node at a time counts a turn where another node held it as a
     * success too, so a stuck loop shows as the oldest time among the nodes, not the newest.
     */
    private static void loops(List<BackgroundLoop> loops, MeterRegistry registry) {
        for (BackgroundLoop loop : loops) {
            Gauge.builder("vectis.loop.last.success.timestamp", loop, l -> l.lastSuccessMillis() / 1000.0)
                    .baseUnit("seconds").tag("loop", loop.name())
                    .description("When the loop last ran without an exception (epoch seconds; 0 before its first run)")
                    .register(registry);
            FunctionCounter.builder("vectis.loop.failures", loop, BackgroundLoop::failures).tag("loop", loop.name())
                    .description("Runs of the loop that ended in an exception").register(registry);
        }
    }
}
