package dev.vectis.api.executor;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The spec's answers to worker and job calls, field for field and in its order. */
final class ExecutorReplies {

    private ExecutorReplies() {
    }

    /** Job created, result or failure recorded. */
    record JobAck(boolean success, String jobId, String message) {
    }

    record JobCancelled(boolean success, String jobId, String message, String status) {
    }

    /** Ours, not the spec's: the new job and the one it repeats. */
    record JobRerun(boolean success, String jobId, String message, String rerunOf) {
    }

    /** A job ({@code success} true, no message) or why there is none ({@code job} null). */
    record Poll(boolean success, @JsonInclude(JsonInclude.Include.NON_NULL) String message,
                ExecutorViews.Assignment job) {
    }

    record OutputAck(boolean success, String jobId, boolean cancelled) {
    }

    record CancelCheck(String jobId, boolean cancelled) {
    }

    /** The two pace fields are ours, sent only to Vectis's own (signing) agents. */
    record Registered(boolean success, String workerId, String message,
                      @JsonInclude(JsonInclude.Include.NON_NULL) Long heartbeatIntervalSeconds,
                      @JsonInclude(JsonInclude.Include.NON_NULL) Long offlineAfterSeconds) {
    }

    /** The two pace fields as in {@link Registered}. */
    record Heartbeat(boolean success, String workerId, long timestamp,
                     @JsonInclude(JsonInclude.Include.NON_NULL) Long heartbeatIntervalSeconds,
                     @JsonInclude(JsonInclude.Include.NON_NULL) Long offlineAfterSeconds) {
    }

    record Left(boolean success, String workerId, List<String> handedBack, String message) {
    }

    record Queued(boolean success, String jobId, String mode, String message, String checkStatusUrl) {
    }

    /** One chunk of a direct run's stdout or stderr. */
    record Chunk(String data) {
    }

    record Exit(String execId, int exitCode, boolean timedOut, boolean truncated) {
    }
}
