package dev.vectis.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/workers/leave}: tells the server this worker is going, so that it shows
 * offline at once and hands back every job of this worker but those still being finished.
 * A stopping agent does not wait long for a server that does not answer: two short tries.
 */
final class Departure {

    private static final Logger LOG = LoggerFactory.getLogger(Departure.class);
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int TRIES = 2;

    private final ServerClient server;
    private final String workerId;

    Departure(ServerClient server, String workerId) {
        this.server = server;
        this.workerId = workerId;
    }

    /** True when the server recorded it. */
    boolean leave(Collection<String> stillRunning) throws InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("workerId", workerId);
        body.put("stillRunning", List.copyOf(stillRunning));
        for (int attempt = 1; ; attempt++) {
            try {
                ServerClient.Response r = server.send("POST", "/api/workers/leave", body, TIMEOUT);
                JsonNode json = r.json(server.mapper());
                if (r.ok()) {
                    JsonNode back = json.path("handedBack");
                    LOG.info("Told the server that worker {} is leaving{}{}", workerId,
                            stillRunning.isEmpty() ? "" : "; still finishing " + stillRunning,
                            back.isArray() && !back.isEmpty() ? "; handed back " + back : "");
                    return true;
                }
                if (!r.retryable() || attempt >= TRIES) {
                    LOG.warn("The server did not take this worker's departure (HTTP {}): {}; it will see the worker "
                            + "offline once its heartbeats stop", r.status(), json.path("error").asText(r.text()));
                    return false;
                }
            } catch (IOException e) {
                if (attempt >= TRIES) {
                    LOG.warn("Could not tell the server that this worker is leaving ({}); it will see the worker "
                            + "offline once its heartbeats stop", e.toString());
                    return false;
                }
            }
            server.backoff().pause(attempt);
        }
    }
}
