package dev.vectis.api.gateway;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The bodies of the operator views: workers, their metrics, chat sessions and the event log. */
final class OperatorViews {

    private OperatorViews() {
    }

    /** status is the gateway's (ONLINE, MAINTENANCE, OFFLINE); liveness is the registry's online flag. */
    record WorkerView(String workerId, String enrolledVia, String status, String liveness, String lastHeartbeat,
                      String endpoint, String description, Integer maxSessions, int currentSessions,
                      int runningJobs, String environment, String version, String hostname, String ip,
                      String subdomain, MetricsView lastMetrics, String createdAt) {
    }

    /** One worker's page: the list's fields, then the ids of its live sessions. */
    record WorkerDetail(@JsonUnwrapped WorkerView worker, List<String> assignedSessions) {
    }

    record WorkerList(List<WorkerView> workers, long count, String nextCursor) {
    }

    /** timestamp is the worker's own, as it sent it; receivedAt is ours. */
    record MetricsView(String status, Double cpuUsage, Double memoryUsage, Long uptime, Long messageCount,
                       SessionCounts sessions, JsonNode extra, String timestamp, String receivedAt) {
    }

    record SessionCounts(Integer total, Integer connected, Integer disconnected,
                         @JsonProperty("qr_required") Integer qrRequired, Integer reconnecting, Integer error) {
    }

    record MetricsList(String workerId, List<MetricsView> metrics) {
    }

    /** Also the data of each Server-Sent Event of /api/v1/events/stream. */
    record EventView(long id, String type, String source, String workerId, boolean known, String sessionId,
                     String messageId, JsonNode data, String receivedAt) {
    }

    record EventPage(List<EventView> events, String nextCursor) {
    }

    /** latestId: where the stream (Last-Event-ID) takes over without a gap. */
    record EventHistory(List<EventView> events, String nextCursor, long latestId) {
    }

    record SessionSummary(String sessionId, String workerId, String status, String phoneNumber, String createdAt,
                          String updatedAt) {
    }

    record SessionList(List<SessionSummary> sessions, long count, String nextCursor) {
    }

    record SessionView(String sessionId, String workerId, String status, String phoneNumber, String qrCode,
                       String qrString, String createdAt, String updatedAt) {
    }

    /** admin's answer to queueing a command, in snake_case as the admin routes speak. */
    record QueuedCommand(String id, @JsonProperty("worker_id") String workerId, String type, JsonNode payload,
                         @JsonProperty("created_at") String createdAt) {
    }
}
