package dev.vectis.jobs;

import java.util.Locale;

/** How a job ended, in a small fixed set of words that metrics can use as a label. */
public enum JobOutcome {
    /** Completed with exit code 0. */
    SUCCEEDED,
    /** Completed, but its command exited with another code. */
    NONZERO_EXIT,
    /** The worker reported that it could not run the job. */
    FAILED,
    TIMED_OUT,
    /** Its worker went silent or restarted with no attempts left. */
    WORKER_LOST,
    CANCELLED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The outcome a status change means, or null when the job has not ended. */
    static JobOutcome of(String status, Integer exitCode, String errorMessage) {
        return switch (status) {
            case Job.COMPLETED -> exitCode != null && exitCode == 0 ? SUCCEEDED : NONZERO_EXIT;
            case Job.CANCELLED -> CANCELLED;
            case Job.FAILED -> JobReaper.TIMED_OUT.equals(errorMessage) ? TIMED_OUT
                    : JobReaper.WORKER_LOST.equals(errorMessage) ? WORKER_LOST : FAILED;
            default -> null;
        };
    }
}
