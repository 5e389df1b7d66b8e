package dev.vectis.workers;

/** What a worker says about itself when it registers through the command-executor contract. */
public record ExecutorRegistration(String workerId, String hostname, String os, Integer cpuCount, String version,
                                   int maxJobs) {
}
