package dev.vectis.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges of the fleet that only the database knows. A scrape reads every series of them, so
 * they share one {@link FleetSnapshot} read at most once per {@link #MAX_AGE}, not a query per
 * series or per scrape. Every node on one database reports the same fleet-wide values; label
 * sets are fixed lists, so a series exists (at zero) before anything happens in it. When the
 * database cannot be read, the values are NaN until it can. The registry holds the gauges'
 * object strongly: nothing else keeps it.
 */
public final class FleetGauges {

    private static final Logger LOG = LoggerFactory.getLogger(FleetGauges.class);
    public static final Duration MAX_AGE = Duration.ofSeconds(5);

    private final Jdbi jdbi;
    private final Clock clock;
    private final LongAdder failures = new LongAdder();
    private FleetSnapshot snapshot;
    /** When the last read was tried, success or not: a failing database is asked once per MAX_AGE too. */
    private long triedAt;
    private long reads;

    FleetGauges(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    public static FleetGauges bind(Jdbi jdbi, Clock clock, MeterRegistry registry) {
        FleetGauges g = new FleetGauges(jdbi, clock);
        for (String contract : FleetSnapshot.CONTRACTS) {
            for (String state : FleetSnapshot.WORKER_STATES) {
                g.gauge("vectis.workers", "Workers by contract and state (fleet-wide)",
                        s -> s.workers(contract, state)).tags("contract", contract, "state", state).register(registry);
            }
            g.gauge("vectis.workers.heartbeat.lag",
                            "Longest silence among online workers of the contract (fleet-wide; 0 with none)",
                            s -> s.oldestSeen().containsKey(contract)
                                    ? seconds(g.now() - s.oldestSeen().get(contract)) : 0)
                    .baseUnit("seconds").tag("contract", contract).register(registry);
        }
        g.gauge("vectis.jobs.pending", "Jobs waiting for a worker: the queue's depth (fleet-wide)",
                FleetSnapshot::pending).register(registry);
        g.gauge("vectis.jobs.running", "Jobs assigned to a worker and not ended (fleet-wide)",
                FleetSnapshot::running).register(registry);
        g.gauge("vectis.jobs.oldest.pending.age",
                        "How long ago the oldest pending job was submitted (fleet-wide; 0 with none)",
                        s -> s.oldestPendingCreatedAt() == null ? 0 : seconds(g.now() - s.oldestPendingCreatedAt()))
                .baseUnit("seconds").register(registry);
        sessions(g, registry, "vps", FleetSnapshot.VPS_STATES, FleetSnapshot::vpsSessions);
        sessions(g, registry, "chat", FleetSnapshot.CHAT_STATES, FleetSnapshot::chatSessions);
        g.gauge("vectis.coins.in.circulation", "Coins held by all users together (fleet-wide)",
                FleetSnapshot::coins).register(registry);
        // Asks for the snapshot too: whichever series a scrape reads first, this one counts its read.
        FunctionCounter.builder("vectis.fleet.snapshot.failures", g, x -> {
                    x.current();
                    return x.failures.sum();
                })
                .description("Reads of the fleet's gauges from the database that failed on this node")
                .register(registry);
        return g;
    }

    private static void sessions(FleetGauges g, MeterRegistry registry, String kind, Iterable<String> states,
                                 Function<FleetSnapshot, Map<String, Long>> counts) {
        for (String state : states) {
            g.gauge("vectis.sessions", "Sessions by kind and state (fleet-wide)",
                    s -> counts.apply(s).getOrDefault(state, 0L)).tags("kind", kind, "state", state)
                    .register(registry);
        }
    }

    private Gauge.Builder<FleetGauges> gauge(String name, String description, ToDoubleFunction<FleetSnapshot> value) {
        return Gauge.builder(name, this, g -> {
            FleetSnapshot s = g.current();
            return s == null ? Double.NaN : value.applyAsDouble(s);
        }).strongReference(true).description(description);
    }

    private long now() {
        return clock.millis();
    }

    private static double seconds(long millis) {
        return Math.max(0, millis) / 1000.0;
    }

    /** The snapshot no older than MAX_AGE, read now when it is; null when the database could not be read. */
    synchronized FleetSnapshot current() {
        long now = now();
        if (reads > 0 && now >= triedAt && now - triedAt < MAX_AGE.toMillis()) {
            return snapshot;
        }
        triedAt = now;
        reads++;
        try {
            snapshot = jdbi.withHandle(h -> FleetSnapshot.read(h, now));
        } catch (RuntimeException e) {
            failures.increment();
            snapshot = null;
            LOG.warn("Could not read the fleet's gauges from the database: {}", e.getMessage());
        }
        return snapshot;
    }

    /** How many times the database was read for these gauges; for tests of the cache. */
    synchronized long reads() {
        return reads;
    }
}
