package dev.vectis.events;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;

/**
 * One stream's place in a {@link Feed}: what the feed read for its key since it joined, in a
 * bounded queue. A subscriber that falls a whole queue behind is dropped instead of holding
 * up the reader or growing without bound; its client resumes with Last-Event-ID.
 */
public final class Subscription implements AutoCloseable {

    private final Feed feed;
    final Feed.Key key;
    private final long joinedAt;
    private final int limit;
    private final ArrayDeque<FeedItem> queue = new ArrayDeque<>();
    private boolean dropped;
    private boolean ended;

    Subscription(Feed feed, Feed.Key key, long joinedAt, int limit) {
        this.feed = feed;
        this.key = key;
        this.joinedAt = joinedAt;
        this.limit = limit;
    }

    /** The feed's position when this joined: it delivers only items after it. */
    public long joinedAt() {
        return joinedAt;
    }

    /** False once dropped (too far behind) or ended (the server is stopping). */
    public synchronized boolean open() {
        return !dropped && !ended;
    }

    public synchronized boolean dropped() {
        return dropped;
    }

    /** Waits up to {@code wait} for items; empty when none came or the subscription is no longer open. */
    public synchronized List<FeedItem> take(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (queue.isEmpty() && !dropped && !ended) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        if (dropped || ended) {
            return List.of();
        }
        List<FeedItem> out = List.copyOf(queue);
        queue.clear();
        return out;
    }

    /** Never blocks: the reader feeds every subscriber from one thread. False when this drops it. */
    synchronized boolean offer(FeedItem item) {
        if (dropped || ended) {
            return true;
        }
        if (queue.size() >= limit) {
            dropped = true;
            queue.clear();
            notifyAll();
            return false;
        }
        queue.add(item);
        notifyAll();
        return true;
    }

    synchronized void end() {
        ended = true;
        notifyAll();
    }

    @Override
    public void close() {
        feed.leave(this);
    }
}
