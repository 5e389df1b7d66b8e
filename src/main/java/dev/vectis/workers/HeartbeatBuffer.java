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

    /**
     * When the worker was heard, the status it reported (null: it reports none) and the
     * address it called from through the command-executor contract (null: another contract).
     */
    record Beat(long at, String status, String address) {

        Beat newer(Beat other) {
            return other.at >= at ? new Beat(other.at, other.status != null ? other.status : status,
                    other.address != null ? other.address : address) : this;
        }
    }

    private final ConcurrentHashMap<String, Beat> pending = new ConcurrentHashMap<>();

    void record(String workerId, long at, String status, String address) {
        pending.merge(workerId, new Beat(at, status, address), Beat::newer);
    }

    /** Takes what is pending; an entry updated meanwhile stays for the next flush. */
    Map<String, Beat> drain() {
        Map<String, Beat> batch = new HashMap<>();
        for (Map.Entry<String, Beat> e : pending.entrySet()) {
            if (pending.remove(e.getKey(), e.getValue())) {
                batch.put(e.getKey(), e.getValue());
            }
        }
        return batch;
    }

    /** Puts back a batch whose write failed. */
    void restore(Map<String, Beat> batch) {
        batch.forEach((id, beat) -> pending.merge(id, beat, Beat::newer));
    }
}
