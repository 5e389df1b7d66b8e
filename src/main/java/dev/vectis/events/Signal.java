package dev.vectis.events;

import java.time.Duration;

/**
 * An in-process "something changed" flag that waiters can block on. It only shortens
 * waits: waiters always re-read the database, which also sees changes made by other nodes.
 */
public final class Signal {

    private long version;

    public synchronized void fire() {
        version++;
        notifyAll();
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
