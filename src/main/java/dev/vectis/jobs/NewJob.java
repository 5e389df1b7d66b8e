package dev.vectis.jobs;

import dev.vectis.workers.Labels;

/** A job to enqueue; null limits take the configured defaults. Only workers carrying all its labels take it. */
public record NewJob(String command, String fileUrl, String filename, Integer maxAttempts, Integer timeoutSeconds,
                     Labels labels) {

    public NewJob {
        labels = labels == null ? Labels.NONE : labels;
    }

    public NewJob(String command, String fileUrl, String filename, Integer maxAttempts, Integer timeoutSeconds) {
        this(command, fileUrl, filename, maxAttempts, timeoutSeconds, Labels.NONE);
    }
}
