package dev.vectis.api.operator;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.events.Event;
import dev.vectis.workers.FleetWorker;
import dev.vectis.workers.MetricsSample;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** How the fleet view writes workers and events. */
final class FleetViews {

    private final ObjectMapper mapper;

    FleetViews(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** A worker as docs/fleet.md shows it; capacity and lastMetrics are null, not absent, when unknown. */
    record WorkerView(String id, String name, List<String> contracts, String state, boolean online,
                      String lastHeardAt, Map<String, String> labels, Load load, Capacity capacity,
                      SampleView lastMetrics, String enrolledVia, String hostname, String address, String endpoint,
                      String baseUrl, String version, String createdAt) {
    }

    record Load(int jobs, int sessions) {
    }

    /** Null for the kind of work the worker does not take. */
    record Capacity(Integer jobs, Integer sessions) {
    }

    /** Every metric is null when the heartbeat left it out. */
    record SampleView(String status, Double cpuUsage, Double memoryUsage, Long uptime, Long messageCount,
                      SessionCounts sessions, JsonNode extra, String reportedAt, String receivedAt) {
    }

    record SessionCounts(Integer total, Integer connected, Integer disconnected,
                         @JsonProperty("qr_required") Integer qrRequired, Integer reconnecting, Integer error) {
    }

    record EventView(long id, String type, String source, String workerId, String sessionId, String messageId,
                     JsonNode data, String at) {
    }

    record WorkerPage(List<WorkerView> workers, long count, String nextCursor) {
    }

    record WorkerEvents(String workerId, List<EventView> events, String nextCursor) {
    }

    WorkerView worker(FleetWorker w) {
        return new WorkerView(w.id(), w.name(), w.contracts(), w.state(), w.online(), time(w.lastSeenAt()),
                w.labels().pairs(), new Load(w.runningJobs(), w.sessions()), new Capacity(w.maxJobs(), w.maxSessions()),
                w.lastMetrics().map(this::sample).orElse(null), w.enrolledVia(), w.hostname(), w.address(),
                w.endpoint(), w.baseUrl(), w.version(), time(w.createdAt()));
    }

    EventView event(Event e) {
        return new EventView(e.id(), e.type(), e.source(), e.workerId(), e.sessionId(), e.messageId(), tree(e.data()),
                time(e.createdAt()));
    }

    private SampleView sample(MetricsSample s) {
        SessionCounts sessions = new SessionCounts(s.sessionTotal(), s.sessionConnected(), s.sessionDisconnected(),
                s.sessionQrRequired(), s.sessionReconnecting(), s.sessionError());
        return new SampleView(s.status(), s.cpuUsage(), s.memoryUsage(), s.uptime(), s.messageCount(), sessions,
                s.extra() == null ? null : tree(s.extra()), s.reportedAt(), time(s.createdAt()));
    }

    private static String time(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }

    private JsonNode tree(String json) {
        try {
            return mapper.readTree(json);
        } catch (IOException e) {
            return mapper.getNodeFactory().textNode(json);
        }
    }
}
