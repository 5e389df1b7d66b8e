package dev.vectis.jobs;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * This node's long polls waiting for work. A new job wakes one of them, the longest waiting,
 * not all: with hundreds of agents polling, waking every one for each job costs a database
 * round trip per poll and per job, for one of them to win.
 *
 * <p>A poll enlists before it looks for a job, so work that appears while it looks still
 * wakes it. A poll that leaves after being woken passes the wake on: it may have been for a
 * job it did not take. Passing one on too many costs one empty look; one too few would leave
 * a job waiting until the next re-check.
 */
final class Pollers {

    /** One waiting poll. Its thread parks until {@link #offer} picks it or its slice ends. */
    static final class Waiter {
        private final Thread thread = Thread.currentThread();
        private final boolean resting;
        private volatile boolean woken;

        private Waiter(boolean resting) {
            this.resting = resting;
        }

        /** Waiting out of line: its worker takes no work now. */
        boolean resting() {
            return resting;
        }

        /** Parks for up to {@code nanos}, returning early once woken. */
        void await(long nanos) {
            long deadline = System.nanoTime() + nanos;
            while (!woken) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                LockSupport.parkNanos(this, left);
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
        }

        boolean woken() {
            return woken;
        }

        private void wake() {
            woken = true;
            LockSupport.unpark(thread);
        }
    }

    /** Insertion order is waiting order; removal of a poll that timed out is O(1). */
    private final LinkedHashSet<Waiter> waiting = new LinkedHashSet<>();
    /** Polls of workers that take no work now: never picked for a job, woken only with every poll. */
    private final Set<Waiter> resting = new HashSet<>();

    synchronized Waiter enlist() {
        Waiter w = new Waiter(false);
        waiting.add(w);
        return w;
    }

    /** A poll that waits out of line, so that wakes for jobs go to polls that can take them. */
    synchronized Waiter rest() {
        Waiter w = new Waiter(true);
        resting.add(w);
        return w;
    }

    /**
     * Takes the poll off the list. When it was woken, the wake is passed on, since the poll
     * is done with it either way.
     */
    void leave(Waiter w) {
        boolean removed;
        synchronized (this) {
            removed = w.resting ? resting.remove(w) : waiting.remove(w);
        }
        if (!removed && w.woken && !w.resting) {
            offer(1);
        }
    }

    /** Work for {@code n} more takers appeared: wakes up to {@code n} polls, longest waiting first. */
    void offer(int n) {
        for (int i = 0; i < n; i++) {
            Waiter w;
            synchronized (this) {
                Iterator<Waiter> oldest = waiting.iterator();
                if (!oldest.hasNext()) {
                    return;
                }
                w = oldest.next();
                oldest.remove();
            }
            w.wake();
        }
    }

    /** Wakes every poll, resting ones too (shutdown, a worker resumed, or news from other nodes was lost). */
    void wakeAll() {
        offer(Integer.MAX_VALUE);
        List<Waiter> all;
        synchronized (this) {
            all = new ArrayList<>(resting);
            resting.clear();
        }
        all.forEach(Waiter::wake);
    }

    synchronized int waiting() {
        return waiting.size();
    }

    synchronized int resting() {
        return resting.size();
    }
}
