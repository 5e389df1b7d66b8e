package dev.vectis.sessions;

import dev.vectis.events.EventLog;
import dev.vectis.events.NewEvent;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A circuit breaker per worker (resilience4j): after {@code failures} calls in a row that got
 * no usable answer (no connection, the deadline, 5xx, 408, 429) this node stops calling the
 * worker for {@code open}, then lets one call through as a probe; its success closes the
 * breaker, its failure opens it again. Each node keeps its own breakers (they are an
 * accelerator a restart rebuilds); every change of state is an event in the shared log and
 * shows under {@code GET /admin/workers}.
 */
public final class WorkerBreakers {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerBreakers.class);

    /** A breaker as operators see it; {@code retryAt} is when an open breaker lets a probe through. */
    public record View(String state, int recentFailures, String lastError, Instant openedAt, Instant retryAt) {
    }

    private static final class Entry {
        final CircuitBreaker breaker;
        volatile String lastError;
        volatile Long openedAt;

        Entry(CircuitBreaker breaker) {
            this.breaker = breaker;
        }
    }

    private final Clock clock;
    private final Duration open;
    private final CircuitBreakerConfig config;
    private final EventLog events;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;

    public WorkerBreakers(Clock clock, int failures, Duration open, EventLog events) {
        this.clock = clock;
        this.open = open;
        this.events = events;
        this.config = CircuitBreakerConfig.custom()
                .slidingWindow(failures, failures, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(100)
                .slowCallRateThreshold(100)
                .slowCallDurationThreshold(Duration.ofDays(1)) // the call's deadline already bounds slowness
                .waitDurationInOpenState(open)
                .permittedNumberOfCallsInHalfOpenState(1)
                .writableStackTraceEnabled(false)
                .clock(clock)
                .build();
    }

    /** Gauges of every breaker's state and counters of failed calls, now and for breakers made later. */
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        entries.forEach(this::meter);
    }

    CircuitBreaker of(String workerId) {
        return entry(workerId).breaker;
    }

    /** Calls to the worker would be refused now: it is open and its probe is not due yet, or a probe is out. */
    public boolean refusing(String workerId) {
        Entry e = entries.get(workerId);
        if (e == null) {
            return false;
        }
        CircuitBreaker.State state = e.breaker.getState();
        return state == CircuitBreaker.State.HALF_OPEN
                || state == CircuitBreaker.State.OPEN && clock.millis() < retryAt(e);
    }

    /** The workers whose calls would be {@link #refusing refused} now. */
    Set<String> refusingNow() {
        Set<String> refused = new HashSet<>();
        for (String workerId : entries.keySet()) {
            if (refusing(workerId)) {
                refused.add(workerId);
            }
        }
        return refused;
    }

    void failed(String workerId, String error) {
        entry(workerId).lastError = error;
        MeterRegistry r = registry;
        if (r != null) {
            Counter.builder("vectis.worker.call.failures").description("Calls to a worker's VM API without a usable answer")
                    .tag("worker_id", workerId).register(r).increment();
        }
    }

    public View view(String workerId) {
        Entry e = entries.get(workerId);
        if (e == null) {
            return new View("closed", 0, null, null, null);
        }
        boolean isOpen = e.breaker.getState() == CircuitBreaker.State.OPEN;
        return new View(name(e.breaker.getState()), e.breaker.getMetrics().getNumberOfFailedCalls(), e.lastError,
                isOpen && e.openedAt != null ? Instant.ofEpochMilli(e.openedAt) : null,
                isOpen ? Instant.ofEpochMilli(retryAt(e)) : null);
    }

    /**
     * Why a call was not made, for messages that may reach a user: without the last error,
     * which can name another session's route (operators see it under the worker).
     */
    String refusal(String workerId) {
        View v = view(workerId);
        return "Vectis stopped calling this worker for now because its last calls failed; it tries again "
                + (v.retryAt() == null ? "shortly" : "after " + v.retryAt());
    }

    private long retryAt(Entry e) {
        return (e.openedAt == null ? clock.millis() : e.openedAt) + open.toMillis();
    }

    private Entry entry(String workerId) {
        return entries.computeIfAbsent(workerId, id -> {
            Entry e = new Entry(CircuitBreaker.of("worker-" + id, config));
            e.breaker.getEventPublisher().onStateTransition(t -> changed(id, e, t.getStateTransition()));
            meter(id, e);
            return e;
        });
    }

    private void changed(String workerId, Entry e, CircuitBreaker.StateTransition t) {
        if (t.getToState() == CircuitBreaker.State.OPEN) {
            e.openedAt = clock.millis();
        }
        String to = name(t.getToState());
        LOG.info("Circuit of worker {} is {} (was {}){}", workerId, to, name(t.getFromState()),
                e.lastError == null ? "" : "; last error: " + e.lastError);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("workerId", workerId);
        data.put("from", name(t.getFromState()));
        data.put("state", to);
        data.put("lastError", e.lastError);
        if (t.getToState() == CircuitBreaker.State.OPEN) {
            data.put("retryAt", Instant.ofEpochMilli(retryAt(e)).toString());
        }
        try {
            events.append(NewEvent.of("worker.circuit_" + to, "marketplace", workerId, data));
        } catch (RuntimeException ex) {
            LOG.warn("Could not record the circuit change of worker {}: {}", workerId, ex.getMessage());
        }
    }

    private void meter(String workerId, Entry e) {
        MeterRegistry r = registry;
        if (r != null) {
            Gauge.builder("vectis.worker.circuit.state", e.breaker, b -> switch (b.getState()) {
                case OPEN, FORCED_OPEN -> 2;
                case HALF_OPEN -> 1;
                default -> 0;
            }).description("A worker's circuit breaker on this node: 0 closed, 1 half-open (probing), 2 open")
                    .tag("worker_id", workerId).register(r);
        }
    }

    private static String name(CircuitBreaker.State state) {
        return switch (state) {
            case OPEN, FORCED_OPEN -> "open";
            case HALF_OPEN -> "half_open";
            default -> "closed";
        };
    }
}
