package dev.vectis.sessions;

import dev.vectis.error.VectisException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Purchases answered by this node, by how they ended: a fixed set of words, counted in memory. */
final class PurchaseOutcomes {

    enum Outcome {
        /** The worker accepted the request for the VM. */
        ACCEPTED,
        /** The worker refused or was never reached: the session failed and the price went back. */
        REFUNDED,
        /** The request went out but no usable answer came back: the slot and the price are held. */
        IN_DOUBT,
        /** An Idempotency-Key seen before: the stored answer, or the session its first request made. */
        REPLAYED,
        INSUFFICIENT_COINS,
        NO_CAPACITY,
        /** Any other refusal: unknown product, a reused key with another body, one still running. */
        REFUSED,
        /** An unexpected failure (the database, say). */
        ERROR;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Map<Outcome, LongAdder> counts = new EnumMap<>(Outcome.class);

    PurchaseOutcomes() {
        for (Outcome o : Outcome.values()) {
            counts.put(o, new LongAdder());
        }
    }

    void count(Outcome outcome) {
        counts.get(outcome).increment();
    }

    /** The refusal's outcome, from its stable code. */
    void refused(VectisException e) {
        count(switch (e.code() == null ? "" : e.code()) {
            case "INSUFFICIENT_COINS" -> Outcome.INSUFFICIENT_COINS;
            case "NO_CAPACITY" -> Outcome.NO_CAPACITY;
            default -> Outcome.REFUSED;
        });
    }

    void bindTo(MeterRegistry registry) {
        counts.forEach((outcome, n) -> FunctionCounter.builder("vectis.purchases", n, LongAdder::sum)
                .tag("outcome", outcome.label())
                .description("VPS purchases answered by this node, by outcome").register(registry));
    }
}
