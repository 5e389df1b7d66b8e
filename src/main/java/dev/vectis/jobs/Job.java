package dev.vectis.jobs;

import dev.vectis.workers.Labels;

/** A job as stored. Times are epoch milliseconds; null until they happen. Labels: what its worker must carry. */
public record Job(String id, long seq, String command, String fileUrl, String filename, String status,
                  String workerId, int attempt, int maxAttempts, int timeoutSeconds, String stdout, String stderr,
                  Integer exitCode, String errorMessage, long createdAt, Long startedAt, Long deadlineAt,
                  Long completedAt, Labels labels) {

    public static final String PENDING = "pending";
    public static final String RUNNING = "running";
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";

    public boolean finished() {
        return status.equals(COMPLETED) || status.equals(FAILED) || status.equals(CANCELLED);
    }
}
