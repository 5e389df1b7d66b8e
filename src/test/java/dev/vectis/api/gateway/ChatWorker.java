package dev.vectis.api.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A chat-session worker as real ones are written (a Baileys worker built from the document):
 * it registers without status or timestamp, then heartbeats on a timer with its metrics
 * nested under {@code metrics}, session counts of its own ({@code initializing},
 * {@code maxSessions}) included; session changes go to the session-status webhook with the
 * worker's own event names and the WhatsApp JID it was given at login.
 */
final class ChatWorker implements AutoCloseable {

    static final String JID = "6281234567890:12@s.whatsapp.net";

    private final TestApp app;
    private final String workerId;
    private final String endpoint;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "chat-worker-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<Map<String, Object>> metrics = new AtomicReference<>();
    private final AtomicReference<Http.Response> lastBeat = new AtomicReference<>();

    ChatWorker(TestApp app, String workerId, String endpoint) {
        this.app = app;
        this.workerId = workerId;
        this.endpoint = endpoint;
    }

    /** What it posts to /api/v1/workers/register on start. */
    Http.Response register() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("workerId", workerId);
        body.put("endpoint", endpoint);
        body.put("maxSessions", 50);
        body.put("description", "WhatsApp Worker Instance");
        body.put("version", "1.0.0");
        body.put("environment", "DEVELOPMENT");
        return app.http.post("/api/v1/workers/register", Gateway.write(body), TestApp.worker());
    }

    /** Starts the heartbeat timer, as the worker does after a successful registration. */
    void startHeartbeats(Duration every) {
        timer.scheduleAtFixedRate(this::beat, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The metrics the next heartbeats report. */
    void report(double cpu, double memory, long uptime, int total, int connected) {
        Map<String, Object> sessions = new LinkedHashMap<>();
        sessions.put("total", total);
        sessions.put("connected", connected);
        sessions.put("disconnected", 0);
        sessions.put("qr_required", total - connected);
        sessions.put("reconnecting", 0);
        sessions.put("error", 0);
        sessions.put("initializing", 0);
        sessions.put("maxSessions", 50);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sessions", sessions);
        m.put("cpuUsage", cpu);
        m.put("memoryUsage", memory);
        m.put("uptime", uptime);
        m.put("messageCount", 0);
        metrics.set(m);
    }

    Http.Response lastHeartbeat() {
        return lastBeat.get();
    }

    private void beat() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ONLINE");
        body.put("metrics", metrics.get());
        body.put("timestamp", Instant.now().toString());
        lastBeat.set(app.http.method("PUT", "/api/v1/workers/" + workerId + "/heartbeat", Gateway.write(body),
                "Authorization", "Bearer " + TestApp.WORKER_TOKEN, "Content-Type", "application/json"));
    }

    /** notifyBackend(event, sessionId, data): every session change goes to the session-status webhook. */
    void notify(String event, String sessionId, Map<String, Object> data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", event);
        body.put("sessionId", sessionId);
        body.put("workerId", workerId);
        body.put("data", data);
        body.put("timestamp", Instant.now().toString());
        Http.Response r = app.http.post("/api/v1/webhooks/session-status", Gateway.write(body), TestApp.worker());
        assertThat(r.status()).as("%s for %s: %s", event, sessionId, r.body()).isEqualTo(200);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
