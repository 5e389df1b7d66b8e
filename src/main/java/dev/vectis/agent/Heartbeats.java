package dev.vectis.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/workers/heartbeat} on a named thread, at the configured interval until the
 * server sets another ({@code heartbeatIntervalSeconds} in its registration or heartbeat
 * answers, kept to a third of its {@code offlineAfterSeconds}). Each wait is the interval
 * ±10%, so a fleet restarted at once does not beat in step. A worker the server no longer
 * knows (404) registers again.
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
            } while (!stopped.await(jittered(interval, ThreadLocalRandom.current().nextDouble()),
                    TimeUnit.MILLISECONDS));
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
            adopt(r.json(server.mapper()));
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

    /** Takes the pace from a server's answer, when it sets one. */
    void adopt(JsonNode answer) {
        JsonNode suggested = answer.path("heartbeatIntervalSeconds");
        if (!suggested.isNumber() || !suggested.canConvertToInt()) {
            return;
        }
        long seconds = Math.max(1, Math.min(3600, suggested.asInt()));
        JsonNode window = answer.path("offlineAfterSeconds");
        if (window.isNumber() && window.canConvertToLong() && window.asLong() >= 3) {
            // Jitter and one lost beat must still leave the server hearing from us within its window.
            seconds = Math.min(seconds, window.asLong() / 3);
        }
        Duration d = Duration.ofSeconds(seconds);
        if (!d.equals(interval)) {
            LOG.info("Heartbeat interval is now {} s, as the server sets{}", d.toSeconds(),
                    window.isNumber() ? " (offline after " + window.asLong() + " s of silence)" : "");
            interval = d;
        }
    }

    /** The wait before the next beat: the interval ±10%, {@code random} in [0, 1) choosing where. */
    static long jittered(Duration interval, double random) {
        return Math.max(1, Math.round(interval.toMillis() * (0.9 + 0.2 * random)));
    }

    private void trouble(String what) {
        if (!failing) {
            LOG.warn("Heartbeat failed ({}); will keep trying every {} s", what, interval.toSeconds());
            failing = true;
        }
    }
}
