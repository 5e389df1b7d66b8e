package dev.vectis.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/workers/heartbeat} on a named thread, at the configured interval until the
 * server suggests another ({@code heartbeatIntervalSeconds} in its answer). A worker the
 * server no longer knows (404) registers again.
 */
final class Heartbeats {

    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);
    private static final Duration IN_FLIGHT = Duration.ofSeconds(1);

    interface Reregister {
        void run() throws InterruptedException;
    }

    private final ServerClient server;
    private final String workerId;
    private final Reregister reregister;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;
    private volatile Duration interval;
    private boolean failing;

    Heartbeats(ServerClient server, String workerId, Duration interval, Reregister reregister) {
        this.server = server;
        this.workerId = workerId;
        this.interval = interval;
        this.reregister = reregister;
        this.thread = new Thread(this::loop, "vectis-agent-heartbeat");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * A heartbeat in flight gets a moment to be answered rather than being cut off: once cut
     * off, the server could still handle it after something sent later (the departure).
     */
    void stop() {
        stopped.countDown();
        try {
            thread.join(IN_FLIGHT.toMillis());
            thread.interrupt();
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Duration interval() {
        return interval;
    }

    private void loop() {
        try {
            do {
                beat();
            } while (!stopped.await(interval.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One heartbeat; failures are logged once per outage and never end the loop. */
    void beat() throws InterruptedException {
        try {
            ServerClient.Response r = server.send("POST", "/api/workers/heartbeat", Map.of("workerId", workerId),
                    ServerClient.DEFAULT_TIMEOUT);
            if (r.status() == 404) {
                LOG.warn("The server does not know worker {}; registering again", workerId);
                reregister.run();
                return;
            }
            if (!r.ok()) {
                trouble("HTTP " + r.status());
                return;
            }
            adopt(r.json(server.mapper()).path("heartbeatIntervalSeconds"));
            if (failing) {
                LOG.info("Heartbeats get through again");
                failing = false;
            }
        } catch (IOException e) {
            trouble(e.toString());
        } catch (RuntimeException e) {
            LOG.error("Heartbeat failed", e);
        }
    }

    private void adopt(JsonNode suggested) {
        if (suggested.canConvertToInt() && suggested.isNumber()) {
            Duration d = Duration.ofSeconds(Math.max(1, Math.min(3600, suggested.asInt())));
            if (!d.equals(interval)) {
                LOG.info("Heartbeat interval is now {} s, as the server suggests", d.toSeconds());
                interval = d;
            }
        }
    }

    private void trouble(String what) {
        if (!failing) {
            LOG.warn("Heartbeat failed ({}); will keep trying every {} s", what, interval.toSeconds());
            failing = true;
        }
    }
}
