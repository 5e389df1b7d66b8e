package dev.vectis.sessions;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background work that calls workers, one lane per worker: at most {@code perWorker}
 * calls to one worker run at once and at most {@code total} in all, so a worker that answers
 * slowly (each call then lasts its whole deadline) holds its own lane only, and the others'
 * work keeps its pace. A task whose key is still queued or running is not added again: the
 * next round of the loop finds it in progress instead of piling up behind a slow worker.
 */
final class WorkerLanes implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerLanes.class);

    private record Task(String key, Runnable work, CompletableFuture<Void> done) {
    }

    private static final class Lane {
        int running;
        final Queue<Task> waiting = new ArrayDeque<>();
    }

    private final int perWorker;
    private final ExecutorService pool;
    private final Map<String, Lane> lanes = new HashMap<>();
    private final Map<String, CompletableFuture<Void>> inFlight = new HashMap<>();

    /**
     * {@code threads} makes the {@code total} threads the calls run on; null for platform
     * threads. Virtual threads, where there are some, wait on workers for nothing and compute
     * on the same carriers as requests, taking turns with them: a round's burst of log reads on
     * {@code total} platform threads would instead get as many shares of the CPU from the
     * operating system against the requests' few carriers.
     */
    WorkerLanes(int perWorker, int total, ThreadFactory threads) {
        this.perWorker = perWorker;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(total, total, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                threads != null ? threads : r -> {
                    Thread t = new Thread(r, "vectis-worker-call-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        ((ThreadPoolExecutor) pool).allowCoreThreadTimeOut(true);
    }

    /**
     * Runs {@code work} in the worker's lane unless a task with this key is already queued or
     * running; the answer completes when that task has ended (never exceptionally).
     */
    synchronized CompletableFuture<Void> submit(String workerId, String key, Runnable work) {
        CompletableFuture<Void> existing = inFlight.get(key);
        if (existing != null) {
            return existing;
        }
        Task task = new Task(key, work, new CompletableFuture<>());
        inFlight.put(key, task.done());
        Lane lane = lanes.computeIfAbsent(workerId == null ? "" : workerId, id -> new Lane());
        if (lane.running < perWorker) {
            start(lane, task);
        } else {
            lane.waiting.add(task);
        }
        return task.done();
    }

    private void start(Lane lane, Task task) {
        lane.running++;
        try {
            pool.execute(() -> run(lane, task));
        } catch (RuntimeException e) { // shut down: nothing more runs
            lane.running--;
            inFlight.remove(task.key());
            task.done().complete(null);
        }
    }

    private void run(Lane lane, Task task) {
        try {
            task.work().run();
        } catch (RuntimeException e) {
            LOG.error("Background work {} failed; it is tried again on the next round", task.key(), e);
        } finally {
            synchronized (this) {
                lane.running--;
                inFlight.remove(task.key());
                Task next = lane.waiting.poll();
                if (next != null) {
                    start(lane, next);
                }
            }
            task.done().complete(null);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        synchronized (this) {
            inFlight.values().forEach(f -> f.complete(null)); // dropped tasks: no one waits on them for ever
        }
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
