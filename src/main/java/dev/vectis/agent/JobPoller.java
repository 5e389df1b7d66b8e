package dev.vectis.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes work: long-polls {@code GET /api/jobs/get-job} as this worker whenever it has room
 * for another job (up to maxJobs at once), and hands each job to a {@link JobRunner} on its
 * own thread. Errors back off exponentially; stopping abandons the poll in flight.
 */
final class JobPoller {

    private static final Logger LOG = LoggerFactory.getLogger(JobPoller.class);
    static final int WAIT_SECONDS = 30;
    /** A 202 that came back quicker than this was not a long poll: pause rather than hammer the server. */
    private static final Duration MIN_POLL = Duration.ofSeconds(1);

    private final ServerClient server;
    private final String workerId;
    private final JobRunner runner;
    private final Registration registration;
    private final Semaphore room;
    private final ExecutorService pool;
    private final Set<JobControl> active = new LinkedHashSet<>();
    private final Thread thread;
    private volatile boolean taking = true;
    private boolean warnedBusy;

    JobPoller(ServerClient server, String workerId, int maxJobs, JobRunner runner, Registration registration) {
        this.server = server;
        this.workerId = workerId;
        this.runner = runner;
        this.registration = registration;
        this.room = new Semaphore(maxJobs);
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(maxJobs, r -> {
            Thread t = new Thread(r, "vectis-agent-job-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.thread = new Thread(this::loop, "vectis-agent-poller");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * Stops asking for jobs at once; running jobs go on. A long poll in flight is abandoned: a
     * job the server hands to it after all is handed back by the departure, which lists
     * {@link #runningIds} (and the server gives a departed worker no job).
     */
    void stopTaking() throws InterruptedException {
        taking = false;
        thread.interrupt();
        thread.join(10_000);
    }

    /** The jobs running now; after {@link #stopTaking} no new one starts. */
    synchronized List<String> runningIds() {
        return active.stream().map(c -> c.job().jobId()).toList();
    }

    /** Waits until no job runs, up to {@code timeout}; true when idle. */
    synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!active.isEmpty()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** Stops every running job for {@code reason}; each reports as its reason requires. The jobs stopped. */
    List<AssignedJob> stopAll(JobControl.Reason reason) {
        List<JobControl> running;
        synchronized (this) {
            running = new ArrayList<>(active);
        }
        running.forEach(c -> c.stop(reason));
        return running.stream().map(JobControl::job).toList();
    }

    synchronized int running() {
        return active.size();
    }

    void close() {
        pool.shutdownNow();
    }

    private void loop() {
        int failures = 0;
        while (taking) {
            try {
                room.acquire();
                boolean handedOff = false;
                try {
                    failures = pollOnce(failures);
                    handedOff = failures < 0;
                    failures = Math.max(0, failures);
                } finally {
                    if (!handedOff) {
                        room.release();
                    }
                }
                if (failures > 0) {
                    server.backoff().pause(failures);
                }
            } catch (InterruptedException e) {
                if (!taking) {
                    return;
                }
            } catch (RuntimeException e) {
                LOG.error("Polling for jobs failed", e);
                failures++;
            }
        }
    }

    /** One poll; returns -1 when a job was handed off, else the count of consecutive failures. */
    private int pollOnce(int failures) throws InterruptedException {
        long started = System.nanoTime();
        ServerClient.Response r;
        try {
            r = server.send("GET", "/api/jobs/get-job?workerId=" + URLEncoder.encode(workerId, StandardCharsets.UTF_8)
                    + "&wait=" + WAIT_SECONDS, null, Duration.ofSeconds(WAIT_SECONDS + 15));
        } catch (IOException e) {
            if (failures == 0) {
                LOG.warn("Cannot reach the server for jobs ({}); backing off", e.toString());
            }
            return failures + 1;
        }
        if (r.status() == 200) {
            JsonNode job = r.json(server.mapper()).path("job");
            if (job.isObject()) {
                dispatch(AssignedJob.from(job));
                return -1;
            }
        }
        if (r.status() == 202 || r.status() == 200) {
            warnIfBusyForNothing(r);
            if (Duration.ofNanos(System.nanoTime() - started).compareTo(MIN_POLL) < 0) {
                Thread.sleep(MIN_POLL.toMillis());
            }
            return 0;
        }
        if (r.status() == 404) {
            LOG.warn("The server does not know worker {}; registering again", workerId);
            registration.register();
            return 0;
        }
        if (failures == 0) {
            LOG.warn("Polling for jobs answered HTTP {}: {}; backing off", r.status(),
                    r.json(server.mapper()).path("error").asText(r.text()));
        }
        return failures + 1;
    }

    /** "Worker is busy" while this agent runs nothing: the server still counts a job from before a restart. */
    private void warnIfBusyForNothing(ServerClient.Response r) {
        boolean busy = r.json(server.mapper()).path("message").asText("").equals("Worker is busy") && running() == 0;
        if (busy && !warnedBusy) {
            LOG.warn("The server counts this worker as busy although it runs no job (a job handed out before a "
                    + "restart?); no new jobs until that one finishes, times out or is cancelled");
        }
        warnedBusy = busy;
    }

    private void dispatch(AssignedJob job) {
        JobControl control = new JobControl(job);
        synchronized (this) {
            active.add(control);
        }
        pool.execute(() -> {
            try {
                runner.run(control);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.error("Job {} failed in the agent", job.jobId(), e);
            } finally {
                synchronized (this) {
                    active.remove(control);
                    notifyAll();
                }
                room.release();
            }
        });
    }
}
