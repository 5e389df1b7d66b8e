package dev.vectis.jobs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Jobs ended on this node, by outcome, and how long their last attempt ran. Every outcome's
 * series exist from the start (at zero), so dashboards and alerts never meet a missing one.
 */
public final class JobMeters {

    /** Shell jobs run from seconds to hours; bounds fixed so the histogram stays a dozen lines per outcome. */
    static final Duration[] BUCKETS = {
            Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(30),
            Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofMinutes(30),
            Duration.ofHours(1), Duration.ofHours(3)};

    private final Map<JobOutcome, Counter> finished = new EnumMap<>(JobOutcome.class);
    private final Map<JobOutcome, Timer> durations = new EnumMap<>(JobOutcome.class);
    private final Counter requeued;

    private JobMeters(MeterRegistry registry) {
        for (JobOutcome o : JobOutcome.values()) {
            finished.put(o, Counter.builder("vectis.jobs.finished").tag("outcome", o.label())
                    .description("Jobs that ended on this node, by outcome").register(registry));
            durations.put(o, Timer.builder("vectis.job.duration").tag("outcome", o.label())
                    .description("How long jobs ran, from their last attempt's start to their end")
                    .serviceLevelObjectives(BUCKETS).register(registry));
        }
        requeued = Counter.builder("vectis.jobs.requeued")
                .description("Jobs put back in the queue because their worker was lost").register(registry);
    }

    public static void bind(JobEvents events, MeterRegistry registry) {
        JobMeters meters = new JobMeters(registry);
        events.onFinished(meters::finished);
        events.onRequeued(meters.requeued::increment);
    }

    private void finished(JobOutcome outcome, Long ranMillis) {
        finished.get(outcome).increment();
        if (ranMillis != null) {
            durations.get(outcome).record(ranMillis, TimeUnit.MILLISECONDS);
        }
    }
}
