package dev.vectis.jobs;

/** A job to enqueue; null limits take the configured defaults. */
public record NewJob(String command, String fileUrl, String filename, Integer maxAttempts, Integer timeoutSeconds) {
}
