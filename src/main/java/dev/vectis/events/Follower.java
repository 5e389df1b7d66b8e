package dev.vectis.events;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * One stream's way through one key of a {@link Feed}: what it has not seen is read from the
 * database, page by page, then it takes what the node's shared reader hands out. At the
 * switch the feed may be ahead (what lies between is read here, once) or behind (what it
 * hands out again is skipped), so nothing is missed or sent twice. Both read only as far as
 * the log is final, so the stream's position never passes a row still to be committed.
 */
public final class Follower implements AutoCloseable {

    /** Receives each item once, in id order. */
    @FunctionalInterface
    public interface Sink {
        void accept(FeedItem item) throws IOException;
    }

    /** Items read at once from the database while catching up. */
    static final int PAGE = 500;

    private final Feed feed;
    private final String key;
    private long last;
    private Subscription live;

    /** @param after the id the stream has sent up to (its Last-Event-ID) */
    public Follower(Feed feed, String key, long after) {
        this.feed = feed;
        this.key = key;
        this.last = after;
    }

    /** Sends everything stored after what was sent, straight from the database. */
    public void catchUp(Sink sink) throws IOException {
        catchUp(sink, Long.MAX_VALUE);
    }

    /**
     * Joins the shared feed, sending what lies between this stream's position and the feed's.
     * A key nobody follows yet starts at its newest stored id, never at what the client claims
     * to have seen: an id from the future would hold back every other stream of the key.
     */
    public void join(Sink sink) throws IOException {
        live = feed.subscribe(key, feed.latest(key));
        catchUp(sink, live.joinedAt());
    }

    /**
     * After {@link #join}: waits up to {@code wait} for what the feed hands out and sends it.
     * False once the subscription ended (server stopping) or was dropped (too far behind).
     */
    public boolean next(Duration wait, Sink sink) throws IOException, InterruptedException {
        for (FeedItem item : live.take(wait)) {
            send(item, sink);
        }
        return live.open();
    }

    /**
     * Before the stream ends: sends what the key has stored so far, waiting up to {@code wait}
     * for rows that older transactions still hold back (in order, or not at all: a client that
     * reconnects with its Last-Event-ID gets the rest).
     */
    public void finish(Sink sink, Duration wait) throws IOException, InterruptedException {
        long end = feed.newest(key);
        catchUp(sink);
        if (last >= end) {
            return;
        }
        if (live == null) {
            join(sink);
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (last < end) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !next(Duration.ofNanos(left), sink)) {
                return;
            }
        }
    }

    @Override
    public void close() {
        if (live != null) {
            live.close();
        }
    }

    private void catchUp(Sink sink, long upTo) throws IOException {
        while (last < upTo) {
            List<FeedItem> page = feed.read(key, last, PAGE);
            for (FeedItem item : page) {
                if (item.id() > upTo) {
                    return; // the feed hands these out
                }
                send(item, sink);
            }
            if (page.size() < PAGE) {
                return;
            }
        }
    }

    private void send(FeedItem item, Sink sink) throws IOException {
        if (item.id() > last) {
            sink.accept(item);
            last = item.id();
        }
    }
}
