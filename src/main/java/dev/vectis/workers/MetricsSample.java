package dev.vectis.workers;

/**
 * One heartbeat's metrics (session-worker-gateway.md); any field may be absent. {@code extra}
 * is a JSON object of what the worker reported beyond the document's metrics.
 */
public record MetricsSample(String workerId, String status, Double cpuUsage, Double memoryUsage, Long uptime,
                            Long messageCount, Integer sessionTotal, Integer sessionConnected,
                            Integer sessionDisconnected, Integer sessionQrRequired, Integer sessionReconnecting,
                            Integer sessionError, String reportedAt, String extra, long createdAt) {
}
