package dev.vectis.events;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * This node's one reader of every streamed log. Run by a background loop each tick, and
 * sooner when something was written here or another node says it wrote something
 * ({@link Notifications}). Logs nobody follows cost nothing.
 */
public final class FeedReader {

    /** Back-to-back rounds at most, when reads come back full, before the next tick. */
    private static final int MAX_ROUNDS = 20;
    /**
     * Pauses before reading again while committed rows wait for older transactions, which
     * mostly end within milliseconds; together well under a tick, after which the tick goes on.
     */
    private static final long[] HELD_BACK_PAUSES_MILLIS = {20, 40, 80, 160, 320};

    private final List<Feed> feeds = new CopyOnWriteArrayList<>();

    public Feed add(String name, Feed.Source source) {
        Feed feed = new Feed(name, source, Feed.QUEUE_LIMIT);
        feeds.add(feed);
        return feed;
    }

    public List<Feed> feeds() {
        return List.copyOf(feeds);
    }

    /** One tick: reads each followed log until it has caught up, and again shortly for rows held back. */
    public void poll() {
        read();
        for (long pause : HELD_BACK_PAUSES_MILLIS) {
            if (feeds.stream().noneMatch(Feed::heldBack)) {
                return;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            read();
        }
    }

    /** Reads each followed log until it has caught up (or a bounded number of rounds). */
    private void read() {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            boolean more = false;
            for (Feed feed : feeds) {
                more |= feed.poll();
            }
            if (!more) {
                return;
            }
        }
    }

    /** Ends every stream's subscription: the server is stopping, and clients resume elsewhere. */
    public void close() {
        feeds.forEach(Feed::close);
    }

    /** Open subscriptions across all logs. */
    public int subscribers() {
        return feeds.stream().mapToInt(Feed::subscribers).sum();
    }
}
