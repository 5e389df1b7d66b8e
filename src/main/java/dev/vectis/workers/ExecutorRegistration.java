package dev.vectis.workers;

/**
 * What a worker says about itself when it registers through the command-executor contract,
 * and the address it registered from (anonymous polls from there may be its own). Labels
 * null: the worker said nothing about them, and those it has stay.
 */
public record ExecutorRegistration(String workerId, String hostname, String os, Integer cpuCount, String version,
                                   int maxJobs, String address, Labels labels) {

    public ExecutorRegistration(String workerId, String hostname, String os, Integer cpuCount, String version,
                                int maxJobs, String address) {
        this(workerId, hostname, os, cpuCount, version, maxJobs, address, null);
    }
}
