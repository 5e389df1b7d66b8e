package dev.vectis.api.executor;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.vectis.jobs.Job;
import dev.vectis.workers.Worker;
import java.util.List;
import java.util.Map;

/** The spec's JSON for workers and jobs, key for key. */
final class ExecutorViews {

    private ExecutorViews() {
    }

    /** {@code labels} is ours, not the spec's, and only on jobs that require labels: others keep the spec's keys. */
    record JobView(String jobId, String status, String workerId, String command, String filename, String stdout,
                   String stderr, Integer exitCode, String errorMessage, long createdAt, Long startedAt,
                   Long completedAt, @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> labels) {
    }

    /** What a polling worker receives; attempt lets it label its reports. */
    record Assignment(String jobId, String command, String fileUrl, String filename, int attempt, int timeoutSeconds) {
    }

    record JobPage(List<JobView> jobs, long count, String nextCursor) {
    }

    record WorkerPage(List<WorkerView> workers, long count, String nextCursor) {
    }

    record WorkerView(String workerId, String hostname, String os, Integer cpuCount, String status, long lastHeartbeat,
                      String version) {
    }

    static WorkerView worker(Worker w) {
        return new WorkerView(w.id(), hostname(w), w.os(), w.cpuCount(), w.executorStatus(), w.lastSeenAt(), w.version());
    }

    /**
     * The spec lists a hostname for every worker. Enrolled agents that never registered here
     * may have none, so their subdomain stands in for it (their name on the network), then
     * their address, then their id: never empty.
     */
    static String hostname(Worker w) {
        for (String name : new String[] {w.hostname(), w.subdomain(), w.ip()}) {
            if (name != null && !name.isBlank()) {
                return name;
            }
        }
        return w.id();
    }

    static JobView job(Job j) {
        return new JobView(j.id(), j.status(), j.workerId(), j.command(), j.filename(), j.stdout(), j.stderr(),
                j.exitCode(), j.errorMessage(), j.createdAt(), j.startedAt(), j.completedAt(), j.labels().pairs());
    }

    static Assignment assignment(Job j) {
        return new Assignment(j.id(), j.command(), j.fileUrl(), j.filename(), j.attempt(), j.timeoutSeconds());
    }
}
