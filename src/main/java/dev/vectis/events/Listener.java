package dev.vectis.events;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one listening connection: opened outside the pool, LISTENing on every channel
 * and read by a thread of its own. When it is lost it is opened again after a pause that
 * grows to a few seconds. What was sent meanwhile is gone for good, so every new connection
 * begins with a resync: the node acts as if anything may have changed.
 */
final class Listener {

    private static final Logger LOG = LoggerFactory.getLogger(Listener.class);

    /** What the listener hands on. Each must return quickly: notifications queue behind it. */
    interface Sink {
        void notified(String channel, String payload);

        void resync();
    }

    static final String APPLICATION_NAME = "vectis-listener";
    /** One wait for notifications; bounds how long a stop takes to be noticed. */
    private static final int SLICE_MILLIS = 500;
    /** A quiet connection is tried this often, so a peer that vanished without a word is noticed. */
    private static final long PING_NANOS = TimeUnit.SECONDS.toNanos(15);
    private static final long FIRST_PAUSE_MILLIS = 200;
    private static final long LAST_PAUSE_MILLIS = 5_000;

    private final Notifications.Connector connector;
    private final Sink sink;
    private final Thread thread;
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean listening;
    /** The open listening connection, for stop() to cut a wait for notifications short. */
    private volatile Connection open;

    Listener(Notifications.Connector connector, Sink sink) {
        this.connector = connector;
        this.sink = sink;
        this.thread = new Thread(this::run, "vectis-notify-listener");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Connections made so far, each followed by a resync. */
    long connects() {
        return connects.get();
    }

    long received() {
        return received.get();
    }

    boolean listening() {
        return listening;
    }

    /** Waits up to {@code timeout} for the first connection; false when it is not there yet. */
    boolean awaitListening(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (connects.get() == 0 && running) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
        return connects.get() > 0;
    }

    void stop(Duration timeout) {
        running = false;
        synchronized (this) {
            notifyAll();
        }
        Connection c = open;
        if (c != null) {
            try {
                // Ends the wait in progress now rather than at the end of its slice.
                c.abort(Runnable::run);
            } catch (SQLException | RuntimeException e) {
                LOG.debug("Could not abort the listening connection: {}", e.getMessage());
            }
        }
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long pause = FIRST_PAUSE_MILLIS;
        boolean lost = false;
        while (running) {
            try (Connection c = connector.open(properties())) {
                open = c;
                if (!running) {
                    return; // stop() came while connecting and saw no connection to abort
                }
                try (Statement s = c.createStatement()) {
                    for (Channel channel : Channel.values()) {
                        s.execute("LISTEN " + channel.sqlName());
                    }
                }
                listening = true;
                if (lost) {
                    LOG.info("Listening to the other nodes again");
                }
                lost = false;
                pause = FIRST_PAUSE_MILLIS;
                hand(sink::resync);
                synchronized (this) {
                    connects.incrementAndGet();
                    notifyAll();
                }
                listen(c);
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                if (!lost) {
                    LOG.warn("Lost the connection that hears the other nodes ({}); opening it again. Meanwhile "
                            + "their writes are seen at each re-check (about a second)", e.getMessage());
                }
                lost = true;
                sleep(pause);
                pause = Math.min(LAST_PAUSE_MILLIS, pause * 2);
            } finally {
                listening = false;
                open = null;
            }
        }
    }

    private void listen(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        long quietSince = System.nanoTime();
        while (running) {
            PGNotification[] got = pg.getNotifications(SLICE_MILLIS);
            if (got != null && got.length > 0) {
                received.addAndGet(got.length);
                for (PGNotification n : got) {
                    hand(() -> sink.notified(n.getName(), n.getParameter()));
                }
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > PING_NANOS) {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT 1");
                }
                quietSince = System.nanoTime();
            }
        }
    }

    /** A receiver's failure is its own: the connection, and the notifications behind it, go on. */
    private static void hand(Runnable delivery) {
        try {
            delivery.run();
        } catch (RuntimeException e) {
            LOG.error("Acting on another node's notification failed", e);
        }
    }

    private synchronized void sleep(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        try {
            while (running) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        } catch (InterruptedException e) {
            running = false;
            Thread.currentThread().interrupt();
        }
    }

    private static Properties properties() {
        Properties p = new Properties();
        p.setProperty("ApplicationName", APPLICATION_NAME);
        p.setProperty("tcpKeepAlive", "true");
        // Bounds the quiet-connection ping; each wait for notifications sets its own shorter timeout.
        p.setProperty("socketTimeout", "30");
        p.setProperty("connectTimeout", "10");
        return p;
    }
}
