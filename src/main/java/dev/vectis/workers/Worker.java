package dev.vectis.workers;

/** A worker as the registry knows it. Times are epoch milliseconds. */
public record Worker(String id, String enrolledVia, String hostname, String os, Integer cpuCount, String version,
                     int maxJobs, boolean online, long lastSeenAt, long createdAt, long updatedAt, int runningJobs,
                     String ip, String subdomain, String endpoint, String description, Integer maxSessions,
                     String environment, String reportedStatus, String status) {

    /** The command-executor contract's words: offline, busy (running a job) or idle. */
    public String executorStatus() {
        if (!online) {
            return "offline";
        }
        return runningJobs > 0 ? "busy" : "idle";
    }

    /** The session-gateway contract's words: OFFLINE when silent, else what the worker reports. */
    public String gatewayStatus() {
        if (!online) {
            return "OFFLINE";
        }
        return reportedStatus == null ? "ONLINE" : reportedStatus;
    }
}
