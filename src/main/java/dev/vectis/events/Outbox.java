package dev.vectis.events;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;

/**
 * What this node has yet to tell the others. Writers add to it after their commits; the
 * sender takes it all at once, so however many commits fall between two sends they make one
 * notification per channel, never one each.
 */
final class Outbox {

    /** PostgreSQL refuses payloads of 8000 bytes or more; more keys than fit forget the whole cache. */
    static final int MAX_PAYLOAD_BYTES = 4000;
    static final String ALL = "*";

    /** One send's worth: jobs made pending, whether events were written, and per cache the keys (empty: all). */
    record Pending(long work, boolean events, Map<String, Set<String>> forget) {

        boolean isEmpty() {
            return work == 0 && !events && forget.isEmpty();
        }

        /** The notifications that say all of it, each a channel and a payload starting with {@code tag}. */
        List<Notice> notices(String tag) {
            List<Notice> out = new ArrayList<>();
            if (work > 0) {
                out.add(new Notice(Channel.WORK, tag + "\n" + work));
            }
            if (events) {
                out.add(new Notice(Channel.EVENTS, tag));
            }
            forget.forEach((cache, keys) -> out.add(new Notice(Channel.FORGET,
                    tag + "\n" + cache + "\n" + (keys.isEmpty() ? ALL : String.join("\n", keys)))));
            return out;
        }
    }

    record Notice(Channel channel, String payload) {
    }

    private long work;
    private boolean events;
    /** An empty set stands for every key of that cache. */
    private final Map<String, Set<String>> forget = new TreeMap<>();
    private int forgetBytes;

    synchronized void work(long jobs) {
        if (jobs > 0) {
            work = Math.min(Integer.MAX_VALUE, work + jobs);
            notifyAll();
        }
    }

    synchronized void events() {
        events = true;
        notifyAll();
    }

    /** {@code key} null: every entry of the cache. */
    synchronized void forget(String cache, String key) {
        Set<String> keys = forget.get(cache);
        boolean all = key == null || key.isEmpty() || key.equals(ALL) || key.indexOf('\n') >= 0;
        if (keys != null && keys.isEmpty()) {
            return; // already forgetting all of it
        }
        if (keys == null) {
            keys = new TreeSet<>();
            forget.put(cache, keys);
            forgetBytes += bytes(cache);
        }
        if (all || forgetBytes + bytes(key) > MAX_PAYLOAD_BYTES) {
            forgetBytes -= keys.stream().mapToInt(Outbox::bytes).sum();
            keys.clear();
        } else if (keys.add(key)) {
            forgetBytes += bytes(key);
        }
        notifyAll();
    }

    /** Waits until there is something to send or {@code open} says stop; takes all of it. */
    synchronized Pending take(BooleanSupplier open) throws InterruptedException {
        while (isEmpty() && open.getAsBoolean()) {
            wait();
        }
        Pending taken = new Pending(work, events, new TreeMap<>(forget));
        work = 0;
        events = false;
        forget.clear();
        forgetBytes = 0;
        return taken;
    }

    /** Puts back what could not be sent, to go with the next send. */
    synchronized void restore(Pending p) {
        work(p.work());
        if (p.events()) {
            events();
        }
        p.forget().forEach((cache, keys) -> {
            if (keys.isEmpty()) {
                forget(cache, null);
            } else {
                keys.forEach(k -> forget(cache, k));
            }
        });
    }

    /** Lets a waiting {@link #take} look at its stop condition again. */
    synchronized void wakeUp() {
        notifyAll();
    }

    /** A line's share of a payload. */
    private static int bytes(String line) {
        return line.getBytes(StandardCharsets.UTF_8).length + 1;
    }

    private boolean isEmpty() {
        return work == 0 && !events && forget.isEmpty();
    }
}
