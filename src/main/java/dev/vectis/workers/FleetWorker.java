package dev.vectis.workers;

import java.util.List;
import java.util.Optional;

/**
 * A worker as the fleet view shows it, in one vocabulary whatever contract registered it.
 * Times are epoch milliseconds; {@code maxJobs} is null for workers that run no jobs and
 * {@code maxSessions} for those that host no sessions. {@code sessions} counts VPS sessions
 * holding its slots and live chat sessions. {@code labels} are filled in after the row is read.
 */
public record FleetWorker(String id, String name, String enrolledVia, List<String> contracts, String state,
                          boolean online, long lastSeenAt, long createdAt, String hostname, String address,
                          String endpoint, String baseUrl, String version, int runningJobs, Integer maxJobs,
                          int sessions, Integer maxSessions, Labels labels, Optional<MetricsSample> lastMetrics) {

    FleetWorker withLabels(Labels l) {
        return new FleetWorker(id, name, enrolledVia, contracts, state, online, lastSeenAt, createdAt, hostname, address,
                endpoint, baseUrl, version, runningJobs, maxJobs, sessions, maxSessions, l, lastMetrics);
    }
}
