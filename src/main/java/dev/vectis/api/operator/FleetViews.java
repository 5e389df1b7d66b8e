package dev.vectis.api.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.events.Event;
import dev.vectis.workers.FleetWorker;
import dev.vectis.workers.MetricsSample;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** How the fleet view writes workers and events. */
final class FleetViews {

    private final ObjectMapper mapper;

    FleetViews(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The success envelope of the operator endpoints under /api/v1. */
    static Map<String, Object> ok(Object data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("data", data);
        return body;
    }

    Map<String, Object> worker(FleetWorker w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", w.id());
        m.put("name", w.name());
        m.put("contracts", w.contracts());
        m.put("state", w.state());
        m.put("online", w.online());
        m.put("lastHeardAt", time(w.lastSeenAt()));
        m.put("labels", w.labels().pairs());
        Map<String, Object> load = new LinkedHashMap<>();
        load.put("jobs", w.runningJobs());
        load.put("sessions", w.sessions());
        m.put("load", load);
        Map<String, Object> capacity = new LinkedHashMap<>();
        capacity.put("jobs", w.maxJobs());
        capacity.put("sessions", w.maxSessions());
        m.put("capacity", capacity);
        m.put("lastMetrics", w.lastMetrics().map(this::sample).orElse(null));
        m.put("enrolledVia", w.enrolledVia());
        m.put("hostname", w.hostname());
        m.put("address", w.address());
        m.put("endpoint", w.endpoint());
        m.put("baseUrl", w.baseUrl());
        m.put("version", w.version());
        m.put("createdAt", time(w.createdAt()));
        return m;
    }

    Map<String, Object> event(Event e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("type", e.type());
        m.put("source", e.source());
        m.put("workerId", e.workerId());
        m.put("sessionId", e.sessionId());
        m.put("messageId", e.messageId());
        m.put("data", tree(e.data()));
        m.put("at", time(e.createdAt()));
        return m;
    }

    private Map<String, Object> sample(MetricsSample s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", s.status());
        m.put("cpuUsage", s.cpuUsage());
        m.put("memoryUsage", s.memoryUsage());
        m.put("uptime", s.uptime());
        m.put("messageCount", s.messageCount());
        Map<String, Object> sessions = new LinkedHashMap<>();
        sessions.put("total", s.sessionTotal());
        sessions.put("connected", s.sessionConnected());
        sessions.put("disconnected", s.sessionDisconnected());
        sessions.put("qr_required", s.sessionQrRequired());
        sessions.put("reconnecting", s.sessionReconnecting());
        sessions.put("error", s.sessionError());
        m.put("sessions", sessions);
        m.put("extra", s.extra() == null ? null : tree(s.extra()));
        m.put("reportedAt", s.reportedAt());
        m.put("receivedAt", time(s.createdAt()));
        return m;
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
