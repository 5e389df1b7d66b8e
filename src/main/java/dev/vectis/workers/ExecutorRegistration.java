package dev.vectis.workers;

/**
 * What a worker says about itself when it registers through the command-executor contract,
 * and the address it registered from (anonymous polls from there may be its own).
 */
public record ExecutorRegistration(String workerId, String hostname, String os, Integer cpuCount, String version,
                                   int maxJobs, String address) {
}
