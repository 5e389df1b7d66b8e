package dev.vectis.events;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Update;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nodes sharing one PostgreSQL database tell each other what changed with LISTEN/NOTIFY: new
 * work, new events, cached rows to forget. Notifications only shorten waits and drop copies;
 * the database stays the truth, and every node still re-reads it on its own ticks, so a lost
 * notification costs a delay, never a wrong answer.
 *
 * <p>Sending happens after the writer's commit, on a thread of its own, from a pooled
 * connection: whatever was written while a send was under way goes out with the next, one
 * notification per channel, with a short gap between sends. Writers never wait, and a busy
 * node sends at most a hundred or so notifications a second per channel, not one per commit.
 */
public final class Notifications implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);

    /** What the other nodes say, acted on here. Each must return quickly. */
    public interface Receiver {
        /** {@code jobs} became pending elsewhere. */
        void work(int jobs);

        /** Events or jobs were written elsewhere. */
        void events();

        /** Another node changed rows this node may keep in cache {@code cache}; {@code keys} empty: any of them. */
        void forget(String cache, List<String> keys);

        /** This node was not listening for a while (or just started to): anything may have changed. */
        void resync();
    }

    /** Where the listening connection comes from: one of its own, outside the pool, with these driver properties. */
    @FunctionalInterface
    public interface Connector {
        Connection open(Properties properties) throws SQLException;
    }

    /** Between two sends: what is written meanwhile goes out together with the next. */
    private static final long GAP_MILLIS = 10;
    private static final long FAILED_PAUSE_MILLIS = 1_000;

    private final String tag = UUID.randomUUID().toString().substring(0, 8);
    private final Jdbi jdbi;
    private final Receiver receiver;
    private final Outbox outbox = new Outbox();
    private final Listener listener;
    private final Thread sender;
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean running = true;

    private Notifications(Connector connector, Jdbi jdbi, Receiver receiver) {
        this.jdbi = jdbi;
        this.receiver = receiver;
        this.listener = new Listener(connector, new Listener.Sink() {
            @Override
            public void notified(String channel, String payload) {
                receive(channel, payload);
            }

            @Override
            public void resync() {
                receiver.resync();
            }
        });
        this.sender = new Thread(this::send, "vectis-notify-sender");
        this.sender.setDaemon(true);
    }

    /**
     * Starts listening (a connection from {@code connector}, outside the pool) and sending
     * (through {@code jdbi}); waits up to {@code firstConnect} for the listener, so that a node
     * that serves requests normally hears the others from its first one.
     */
    public static Notifications start(Connector connector, Jdbi jdbi, Receiver receiver,
                                      Duration firstConnect) {
        Notifications n = new Notifications(connector, jdbi, receiver);
        n.listener.start();
        n.sender.start();
        try {
            if (!n.listener.awaitListening(firstConnect)) {
                LOG.warn("Not yet listening to the other nodes after {}; carrying on, and trying meanwhile",
                        firstConnect);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return n;
    }

    /** {@code jobs} became pending here (after the commit). */
    public void work(int jobs) {
        outbox.work(jobs);
    }

    /** Events or jobs were written here (after the commit). */
    public void events() {
        outbox.events();
    }

    /** A row cached as {@code key} in {@code cache} changed here (after the commit). */
    public void forget(String cache, String key) {
        outbox.forget(cache, key);
    }

    /** Listening connections made (the first included); each began with a resync. */
    public long connects() {
        return listener.connects();
    }

    public boolean listening() {
        return listener.listening();
    }

    /** Notifications sent to the other nodes. */
    public long sent() {
        return sent.get();
    }

    /** Notifications heard, this node's own included (it ignores those). */
    public long received() {
        return listener.received();
    }

    /** Sends what is still waiting, then stops both threads. */
    @Override
    public void close() {
        running = false;
        outbox.wakeUp();
        try {
            sender.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        listener.stop(Duration.ofSeconds(2));
    }

    private void receive(String channelName, String payload) {
        Channel channel = Channel.named(channelName).orElse(null);
        List<String> lines = payload == null ? List.of() : Arrays.asList(payload.split("\n", -1));
        if (channel == null || lines.isEmpty() || lines.get(0).equals(tag)) {
            return; // not ours to act on, or this node's own
        }
        switch (channel) {
            case WORK -> receiver.work(lines.size() < 2 ? 1 : jobs(lines.get(1)));
            case EVENTS -> receiver.events();
            case FORGET -> {
                if (lines.size() >= 2) {
                    List<String> keys = new ArrayList<>(lines.subList(2, lines.size()));
                    receiver.forget(lines.get(1), keys.contains(Outbox.ALL) ? List.of() : keys);
                }
            }
        }
    }

    private static int jobs(String count) {
        try {
            return Math.max(1, Integer.parseInt(count.trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private void send() {
        boolean failing = false;
        while (true) {
            Outbox.Pending pending;
            try {
                pending = outbox.take(() -> running);
            } catch (InterruptedException e) {
                return;
            }
            if (pending.isEmpty()) {
                return; // stopping, and nothing left
            }
            try {
                publish(pending.notices(tag));
                if (failing) {
                    LOG.info("Notifying the other nodes again");
                }
                failing = false;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                outbox.restore(pending);
                if (!failing) {
                    LOG.warn("Could not notify the other nodes ({}); retrying. Meanwhile they see this node's "
                            + "writes at their re-checks (about a second)", e.getMessage());
                }
                failing = true;
                pause(FAILED_PAUSE_MILLIS);
            }
            pause(GAP_MILLIS);
        }
    }

    /** All of it in one statement: one round trip, one commit. */
    private void publish(List<Outbox.Notice> notices) {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < notices.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("pg_notify(:c").append(i).append(", :p").append(i).append(')');
        }
        jdbi.useHandle(h -> {
            Update update = h.createUpdate(sql.toString());
            for (int i = 0; i < notices.size(); i++) {
                update.bind("c" + i, notices.get(i).channel().sqlName()).bind("p" + i, notices.get(i).payload());
            }
            update.execute();
        });
        sent.addAndGet(notices.size());
    }

    private void pause(long millis) {
        if (!running) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
