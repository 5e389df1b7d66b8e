package dev.vectis.app;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A named thread that runs a task every interval (or sooner when woken), survives the
 * task's failures, and stops within a bounded time. The task itself stays a plain method
 * that tests call directly.
 */
public final class BackgroundLoop {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundLoop.class);

    private final String name;
    private volatile Duration interval;
    private final Runnable task;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wakeUp = lock.newCondition();
    private final Thread thread;
    private volatile boolean running = true;
    /** A wake not yet taken by a pause: further wakes return at once, with no lock and no signal. */
    private final AtomicBoolean woken = new AtomicBoolean();
    /** Between two runs at least this long, even when woken: a busy node's wakes then cost one run each gap. */
    private volatile Duration gap = Duration.ZERO;
    /** Wall-clock time of the last run that ended without an exception, 0 before one; for monitoring. */
    private volatile long lastSuccessMillis;
    private final LongAdder failures = new LongAdder();

    public BackgroundLoop(String name, Duration interval, Runnable task) {
        this.name = name;
        this.interval = interval;
        this.task = task;
        this.thread = new Thread(this::loop, "vectis-" + name);
        this.thread.setDaemon(true);
    }

    public BackgroundLoop start() {
        thread.start();
        return this;
    }

    public String name() {
        return name;
    }

    /**
     * When a run last ended without an exception, in epoch milliseconds of the wall clock
     * (what a monitoring system compares it with), 0 before the first.
     */
    public long lastSuccessMillis() {
        return lastSuccessMillis;
    }

    /** Runs that ended in an exception since start. */
    public long failures() {
        return failures.sum();
    }

    /** From the next pause on, waits this long between runs unless woken. */
    void interval(Duration every) {
        this.interval = every;
        wake();
    }

    /** At least {@code gap} between two runs, even when woken: many wakes in a gap make one run. */
    public BackgroundLoop coalescing(Duration gap) {
        this.gap = gap;
        return this;
    }

    /** Runs the task as soon as possible instead of at the next interval. */
    public void wake() {
        if (woken.getAndSet(true)) {
            return;
        }
        lock.lock();
        try {
            wakeUp.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Asks the loop to finish its current run and waits for it, up to the timeout. */
    public void stop(Duration timeout) {
        running = false;
        woken.set(false);
        wake();
        try {
            thread.join(timeout.toMillis());
            if (thread.isAlive()) {
                LOG.warn("{} did not stop within {}; interrupting it", name, timeout);
                thread.interrupt();
                thread.join(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        while (running) {
            try {
                task.run();
                lastSuccessMillis = System.currentTimeMillis();
            } catch (Throwable t) {
                failures.increment();
                // The loop must outlive a bad run: a dead sweeper would leave jobs stuck forever.
                LOG.error("{} failed; it will run again in {}", name, interval, t);
            }
            pause();
        }
    }

    private void pause() {
        lock.lock();
        try {
            long started = System.nanoTime();
            long deadline = started + interval.toNanos();
            // Wakes that come within the gap gather: the wait below sees them when it ends.
            long earliest = started + Math.min(gap.toNanos(), interval.toNanos());
            while (running) {
                long until = woken.get() ? earliest : deadline;
                long left = until - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                wakeUp.awaitNanos(left);
            }
            woken.set(false);
        } catch (InterruptedException e) {
            running = false;
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Runs the task when it has not run here for {@code every}: at once the first time. */
    static Runnable atMostEvery(Duration every, Runnable task) {
        long[] last = {0};
        return () -> {
            long now = System.nanoTime();
            if (last[0] == 0 || now - last[0] >= every.toNanos()) {
                last[0] = now;
                task.run();
            }
        };
    }
}
