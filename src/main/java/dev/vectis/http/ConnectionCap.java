package dev.vectis.http;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what one address can hold open: at most {@code max} connections at once, and a new
 * connection must deliver its first complete request head within {@code headerTimeout}.
 * Jetty's idle timeout restarts with every byte, so without the deadline a client dripping one
 * header byte every few seconds would keep a connection for hours. Trusted proxies carry many
 * clients and are not capped here; behind them the per-client request cap applies.
 */
final class ConnectionCap implements Connection.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionCap.class);

    private final int max;
    private final Duration headerTimeout;
    private final ClientAddress clients;
    private final Scheduler scheduler;
    private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();
    /** The address each counted connection was counted under: a closed endpoint no longer knows its peer. */
    private final ConcurrentHashMap<Connection, String> counted = new ConcurrentHashMap<>();

    ConnectionCap(int max, Duration headerTimeout, ClientAddress clients, Scheduler scheduler) {
        this.max = max;
        this.headerTimeout = headerTimeout;
        this.clients = clients;
        this.scheduler = scheduler;
    }

    @Override
    public void onOpened(Connection connection) {
        String ip = ip(connection.getEndPoint().getRemoteSocketAddress());
        if (ip == null) {
            return;
        }
        scheduler.schedule(() -> {
            if (connection.getEndPoint().isOpen() && connection.getMessagesIn() == 0) {
                LOG.debug("Closing a connection from {} that sent no complete request within {}", ip, headerTimeout);
                connection.getEndPoint().close();
            }
        }, headerTimeout.toMillis(), TimeUnit.MILLISECONDS);
        if (clients.isTrusted(ip)) {
            return;
        }
        counted.put(connection, ip);
        int count = open.computeIfAbsent(ip, k -> new AtomicInteger()).incrementAndGet();
        if (count > max) {
            LOG.debug("Refusing a connection from {}: it already holds {}", ip, max);
            connection.getEndPoint().close();
        }
    }

    @Override
    public void onClosed(Connection connection) {
        String ip = counted.remove(connection);
        if (ip == null) {
            return;
        }
        open.computeIfPresent(ip, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    int openFrom(String ip) {
        AtomicInteger n = open.get(ip);
        return n == null ? 0 : n.get();
    }

    private static String ip(SocketAddress address) {
        return address instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : null;
    }
}
