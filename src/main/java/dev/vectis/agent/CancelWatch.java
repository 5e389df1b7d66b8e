package dev.vectis.agent;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks {@code GET /api/jobs/check-cancel} every few seconds while a job runs, so a job that
 * prints nothing (and so never hears "cancelled" from stream-output) still stops promptly.
 */
final class CancelWatch {

    private static final Logger LOG = LoggerFactory.getLogger(CancelWatch.class);

    private final ServerClient server;
    private final String jobId;
    private final Duration every;
    private final Runnable onCancelled;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;

    CancelWatch(ServerClient server, String jobId, Duration every, Runnable onCancelled, String name) {
        this.server = server;
        this.jobId = jobId;
        this.every = every;
        this.onCancelled = onCancelled;
        this.thread = new Thread(this::loop, name + "-cancel-watch");
        this.thread.setDaemon(true);
    }

    CancelWatch start() {
        thread.start();
        return this;
    }

    void stop() throws InterruptedException {
        stopped.countDown();
        thread.interrupt();
        thread.join(5_000);
    }

    private void loop() {
        try {
            while (!stopped.await(every.toMillis(), TimeUnit.MILLISECONDS)) {
                if (cancelled()) {
                    onCancelled.run();
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean cancelled() throws InterruptedException {
        try {
            ServerClient.Response r = server.send("GET", "/api/jobs/check-cancel?jobId="
                    + URLEncoder.encode(jobId, StandardCharsets.UTF_8), null, ServerClient.DEFAULT_TIMEOUT);
            // 404: the job is gone from the server, so nobody wants its result.
            return r.status() == 404 || r.ok() && r.json(server.mapper()).path("cancelled").asBoolean(false);
        } catch (IOException e) {
            LOG.debug("check-cancel for {} failed: {}", jobId, e.toString());
            return false;
        }
    }
}
