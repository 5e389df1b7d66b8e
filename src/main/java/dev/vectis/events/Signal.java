package dev.vectis.events;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-process "something changed" flag that waiters can block on, and listeners hear. It
 * only shortens waits: waiters always re-read the database, which also sees changes made by
 * other nodes.
 */
public final class Signal {

    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private long version;

    public void fire() {
        synchronized (this) {
            version++;
            notifyAll();
        }
        listeners.forEach(Runnable::run);
    }

    /** Runs {@code listener} after every fire; it must return at once (wake a loop, say). */
    public void onFire(Runnable listener) {
        listeners.add(listener);
    }

    public synchronized long version() {
        return version;
    }

    /** Waits until the version moves past {@code seen} or the timeout passes. */
    public synchronized void await(long seen, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (version == seen) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
