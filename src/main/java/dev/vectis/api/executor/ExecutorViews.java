package dev.vectis.api.executor;

import dev.vectis.jobs.Job;
import dev.vectis.workers.Worker;
import java.util.LinkedHashMap;
import java.util.Map;

/** The spec's JSON for workers and jobs, key for key. */
final class ExecutorViews {

    private ExecutorViews() {
    }

    static Map<String, Object> worker(Worker w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workerId", w.id());
        m.put("hostname", hostname(w));
        m.put("os", w.os());
        m.put("cpuCount", w.cpuCount());
        m.put("status", w.executorStatus());
        m.put("lastHeartbeat", w.lastSeenAt());
        m.put("version", w.version());
        return m;
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

    static Map<String, Object> job(Job j) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jobId", j.id());
        m.put("status", j.status());
        m.put("workerId", j.workerId());
        m.put("command", j.command());
        m.put("filename", j.filename());
        m.put("stdout", j.stdout());
        m.put("stderr", j.stderr());
        m.put("exitCode", j.exitCode());
        m.put("errorMessage", j.errorMessage());
        m.put("createdAt", j.createdAt());
        m.put("startedAt", j.startedAt());
        m.put("completedAt", j.completedAt());
        if (!j.labels().isEmpty()) {
            // Ours, not the spec's, and only on jobs that require labels: the others keep the spec's keys.
            m.put("labels", j.labels().pairs());
        }
        return m;
    }

    /** What a polling worker receives; attempt lets it label its reports. */
    static Map<String, Object> assignment(Job j) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jobId", j.id());
        m.put("command", j.command());
        m.put("fileUrl", j.fileUrl());
        m.put("filename", j.filename());
        m.put("attempt", j.attempt());
        m.put("timeoutSeconds", j.timeoutSeconds());
        return m;
    }
}
