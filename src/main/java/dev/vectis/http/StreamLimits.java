package dev.vectis.http;

import dev.vectis.config.Settings;
import dev.vectis.error.VectisException;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;

/**
 * How many event streams may be open at once, per user, per client address and on this node
 * (server.max_streams_per_user, server.max_streams_per_address, server.max_streams). A stream
 * is a request that lasts: it holds a handler thread (on Java 17, one of 200) for as long as
 * it is open, so without these one caller could hold them all. One more is 429 in the calling
 * contract's shape, with Retry-After.
 */
public final class StreamLimits {

    /** Streams end when their clients leave or subjects finish; a few seconds usually frees a place. */
    static final long RETRY_AFTER_SECONDS = 5;

    /** A place taken for one stream; closing it (once) gives it back. */
    public interface Slot extends AutoCloseable {

        @Override
        void close();
    }

    private final Settings.Streams caps;
    private final ClientAddress clients;
    private final Map<String, Integer> byUser = new HashMap<>();
    private final Map<String, Integer> byAddress = new HashMap<>();
    private int open;
    private final Counter refusedUser;
    private final Counter refusedAddress;
    private final Counter refusedNode;

    public StreamLimits(Settings.Streams caps, ClientAddress clients, MeterRegistry registry) {
        this.caps = caps;
        this.clients = clients;
        Gauge.builder("vectis.streams.open", this, StreamLimits::open)
                .description("Event streams open on this node").register(registry);
        this.refusedUser = refused(registry, "user");
        this.refusedAddress = refused(registry, "address");
        this.refusedNode = refused(registry, "node");
    }

    /**
     * Takes a place for a stream, or answers 429.
     *
     * @param user who the caller is (a user's id, "admin"), or null where the contract asks nobody
     */
    public Slot take(Context ctx, String user) {
        String address = clients.ip(ctx);
        String refusal = reserve(user, address);
        if (refusal != null) {
            ctx.header("Retry-After", Long.toString(RETRY_AFTER_SECONDS));
            throw new VectisException(VectisException.Kind.RATE_LIMITED, "TOO_MANY_STREAMS", "Too many event streams: "
                    + refusal + "; close one, or retry in " + RETRY_AFTER_SECONDS + " s");
        }
        boolean[] closed = {false};
        return () -> {
            synchronized (this) {
                if (!closed[0]) {
                    closed[0] = true;
                    release(user, address);
                }
            }
        };
    }

    /** Null when a place was taken, else which cap is full. */
    private synchronized String reserve(String user, String address) {
        if (user != null && byUser.getOrDefault(user, 0) >= caps.perUser()) {
            refusedUser.increment();
            return "at most " + caps.perUser() + " at once per user";
        }
        if (byAddress.getOrDefault(address, 0) >= caps.perAddress()) {
            refusedAddress.increment();
            return "at most " + caps.perAddress() + " at once per client address";
        }
        if (open >= caps.perNode()) {
            refusedNode.increment();
            return "this server has " + caps.perNode() + " open, its most";
        }
        if (user != null) {
            byUser.merge(user, 1, Integer::sum);
        }
        byAddress.merge(address, 1, Integer::sum);
        open++;
        return null;
    }

    private synchronized void release(String user, String address) {
        if (user != null) {
            byUser.computeIfPresent(user, (k, n) -> n <= 1 ? null : n - 1);
        }
        byAddress.computeIfPresent(address, (k, n) -> n <= 1 ? null : n - 1);
        open--;
    }

    synchronized int open() {
        return open;
    }

    private static Counter refused(MeterRegistry registry, String cap) {
        return Counter.builder("vectis.streams.refused").tag("cap", cap)
                .description("Event streams refused because a cap was full").register(registry);
    }
}
