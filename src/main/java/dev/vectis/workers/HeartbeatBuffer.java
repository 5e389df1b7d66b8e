package dev.vectis.workers;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Heartbeats absorbed in memory and written in batches, so a large fleet costs a few writes
 * a second instead of one per heartbeat. Losing it (a crash) loses at most one flush
 * interval of last-seen times, far less than the offline window.
 */
final class HeartbeatBuffer {

    private final ConcurrentHashMap<String, Long> pending = new ConcurrentHashMap<>();

    void record(String workerId, long at) {
        pending.merge(workerId, at, Math::max);
    }

    /** Takes what is pending; an entry updated meanwhile stays for the next flush. */
    Map<String, Long> drain() {
        Map<String, Long> batch = new HashMap<>();
        for (Map.Entry<String, Long> e : pending.entrySet()) {
            if (pending.remove(e.getKey(), e.getValue())) {
                batch.put(e.getKey(), e.getValue());
            }
        }
        return batch;
    }

    /** Puts back a batch whose write failed. */
    void restore(Map<String, Long> batch) {
        batch.forEach(this::record);
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }
}
