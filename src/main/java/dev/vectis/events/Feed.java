package dev.vectis.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.ToLongFunction;

/**
 * One stored log (a table of events) as streams see it on this node: subscribers by key, and
 * for each key with subscribers the id up to which it has been read. The node's reader
 * ({@link FeedReader}) reads each key's new rows once and hands them to every subscriber of
 * that key, so the database sees one read a tick however many streams are open.
 *
 * <p>Rows are written by transactions that commit out of id order. Every read of the source
 * stops where the log is final (dev.vectis.db.Horizon): no row can still appear below what it
 * returns, so a position, the feed's or a stream's, never passes a row that is yet to come.
 */
public final class Feed {

    /**
     * Reads a log, as far as it is final: {@code after} gives, for each key, the rows after its
     * id, together oldest first, at most {@code limit}; {@code latest} gives a key's newest final
     * id (0 when it has none). {@code newest} gives a key's newest id, final or not, and
     * {@code heldBack} whether committed rows wait for older transactions to end.
     */
    public record Source(After after, ToLongFunction<String> latest, ToLongFunction<String> newest,
                         BooleanSupplier heldBack) {
    }

    @FunctionalInterface
    public interface After {
        List<FeedItem> read(Map<String, Long> positions, int limit);
    }

    /** Rows read at once, per read; a full read is followed by another at once. */
    static final int READ_LIMIT = 500;
    /** Keys per read, so that a statement stays a reasonable size. */
    static final int KEYS_PER_READ = 100;
    /** Items a subscriber may have waiting; beyond this it is dropped. */
    static final int QUEUE_LIMIT = 1000;

    static final class Key {
        final String name;
        long position;
        final List<Subscription> subscribers = new ArrayList<>();

        Key(String name, long position) {
            this.name = name;
            this.position = position;
        }
    }

    private final String name;
    private final Source source;
    private final int queueLimit;
    private final Map<String, Key> keys = new HashMap<>();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private boolean closed;

    Feed(String name, Source source, int queueLimit) {
        this.name = name;
        this.source = source;
        this.queueLimit = queueLimit;
    }

    public String name() {
        return name;
    }

    /** Reads of the database by this node's reader; a stream's own backlog reads are not counted. */
    public long reads() {
        return reads.get();
    }

    /** Subscribers dropped for falling too far behind. */
    public long dropped() {
        return dropped.get();
    }

    /** One key's final items after {@code afterId}, oldest first, straight from the database: a stream's backlog. */
    public List<FeedItem> read(String key, long afterId, int limit) {
        return source.after().read(Map.of(key, afterId), limit);
    }

    /** The key's newest final id: where following a key nobody follows yet starts. */
    public long latest(String key) {
        return source.latest().applyAsLong(key);
    }

    /**
     * The key's newest id once it is final: waits up to {@code wait} for rows that older
     * transactions still hold back, then gives the newest final id. A stream that first shows
     * its subject's current state labels it with this id and sends what comes after: a label
     * further back would send again changes that the state already shows.
     */
    public long latestOnceFinal(String key, Duration wait) throws InterruptedException {
        long newest = newest(key);
        long deadline = System.nanoTime() + wait.toNanos();
        for (long pause = 5; ; pause = Math.min(2 * pause, 200)) {
            long latest = latest(key);
            long left = deadline - System.nanoTime();
            if (latest >= newest || left <= 0) {
                return latest;
            }
            Thread.sleep(Math.min(pause, TimeUnit.NANOSECONDS.toMillis(left) + 1));
        }
    }

    /** The key's newest id, final or not: what a stream that ends must have sent. */
    public long newest(String key) {
        return source.newest().applyAsLong(key);
    }

    /** True when someone follows this log and committed rows of it wait for older transactions. */
    synchronized boolean heldBack() {
        return !keys.isEmpty() && source.heldBack().getAsBoolean();
    }

    /**
     * Joins the key's feed. {@code position} starts a key nobody follows yet; a followed key
     * keeps its own, given by {@link Subscription#joinedAt()}, and the stream reads anything
     * between that and what it has sent itself.
     */
    public synchronized Subscription subscribe(String key, long position) {
        Key k = keys.computeIfAbsent(key, n -> new Key(n, position));
        Subscription s = new Subscription(this, k, k.position, queueLimit);
        if (closed) {
            s.end();
        } else {
            k.subscribers.add(s);
        }
        if (k.subscribers.isEmpty()) {
            keys.remove(key, k);
        }
        return s;
    }

    synchronized void leave(Subscription s) {
        Key k = s.key;
        k.subscribers.remove(s);
        if (k.subscribers.isEmpty()) {
            keys.remove(k.name, k);
        }
    }

    /** Reads what is new for every followed key and hands it out; true when a read came back full. */
    boolean poll() {
        List<Key> followed;
        synchronized (this) {
            followed = new ArrayList<>(keys.values());
        }
        boolean full = false;
        for (int from = 0; from < followed.size(); from += KEYS_PER_READ) {
            full |= poll(followed.subList(from, Math.min(followed.size(), from + KEYS_PER_READ)));
        }
        return full;
    }

    private boolean poll(List<Key> batch) {
        Map<String, Key> byName = new HashMap<>();
        Map<String, Long> positions = new LinkedHashMap<>();
        synchronized (this) {
            for (Key k : batch) {
                byName.put(k.name, k);
                positions.put(k.name, k.position);
            }
        }
        reads.incrementAndGet();
        List<FeedItem> items = source.after().read(positions, READ_LIMIT);
        synchronized (this) {
            for (FeedItem item : items) {
                Key k = byName.get(item.key());
                // A key left and followed again meanwhile starts from its new subscriber's position.
                if (k == null || keys.get(k.name) != k || item.id() <= k.position) {
                    continue;
                }
                k.position = item.id();
                for (Subscription s : k.subscribers) {
                    if (!s.offer(item)) {
                        dropped.incrementAndGet();
                    }
                }
            }
        }
        return items.size() >= READ_LIMIT;
    }

    /** Ends every subscription, and any made later, so streams finish promptly at shutdown. */
    synchronized void close() {
        closed = true;
        for (Key k : keys.values()) {
            k.subscribers.forEach(Subscription::end);
        }
    }

    /** Open subscriptions. */
    public synchronized int subscribers() {
        int n = 0;
        for (Key k : keys.values()) {
            n += k.subscribers.size();
        }
        return n;
    }
}
