package dev.vectis.nodes;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes sharing this database, each kept by itself: it writes its row when it starts and
 * every {@link #BEAT}, and removes it when it stops. A node heard of last more than
 * {@link #GONE_AFTER} ago died without saying so; whichever node beats next removes its row.
 */
public final class NodeRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(NodeRegistry.class);
    public static final Duration BEAT = Duration.ofSeconds(5);
    public static final Duration GONE_AFTER = Duration.ofSeconds(30);

    private final Jdbi jdbi;
    private final Clock clock;
    private final String id = UUID.randomUUID().toString();
    private final String version;
    private final long startedAt;
    private final Supplier<List<String>> loops;
    private volatile String address;

    /** @param loops the run-once loops this node holds now */
    public NodeRegistry(Jdbi jdbi, Clock clock, String version, Supplier<List<String>> loops) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.version = version;
        this.startedAt = clock.millis();
        this.loops = loops;
    }

    public String id() {
        return id;
    }

    /** Writes this node's row once it knows its port; failing that, the next beat does. */
    public void join(int port) {
        this.address = hostName() + ":" + port;
        LOG.info("This is node {} at {}", id, address);
        try {
            beat();
        } catch (RuntimeException e) {
            LOG.warn("Could not write this node's row yet: {}", e.getMessage());
        }
    }

    /** Refreshes this node's row (writing it again if another node took it for gone) and removes the dead's. */
    public void beat() {
        if (address == null) {
            return;
        }
        long now = clock.millis();
        String held = String.join(",", loops.get());
        jdbi.useTransaction(h -> {
            int updated = h.createUpdate("UPDATE nodes SET last_seen_at = :now, loops = :loops WHERE id = :id")
                    .bind("id", id).bind("now", now).bind("loops", held).execute();
            if (updated == 0) {
                h.createUpdate("INSERT INTO nodes (id, address, version, started_at, last_seen_at, loops) "
                                + "VALUES (:id, :address, :version, :started, :now, :loops)")
                        .bind("id", id).bind("address", address).bind("version", version).bind("started", startedAt)
                        .bind("now", now).bind("loops", held).execute();
            }
        });
        int gone = jdbi.withHandle(h -> h.createUpdate("DELETE FROM nodes WHERE last_seen_at < :cutoff AND id <> :id")
                .bind("cutoff", now - GONE_AFTER.toMillis()).bind("id", id).execute());
        if (gone > 0) {
            LOG.info("Removed {} node(s) not heard of for more than {}s", gone, GONE_AFTER.toSeconds());
        }
    }

    /** Removes this node's row: part of stopping. */
    public void leave() {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM nodes WHERE id = :id").bind("id", id).execute());
    }

    /** How operators tell the machines apart: the name this host goes by. */
    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** Every node with a row, oldest first. */
    public List<Node> list() {
        return jdbi.withHandle(NodeRegistry::all);
    }

    private static List<Node> all(Handle h) {
        return h.createQuery("SELECT id, address, version, started_at, last_seen_at, loops FROM nodes "
                        + "ORDER BY started_at, id")
                .map((rs, ctx) -> new Node(rs.getString("id"), rs.getString("address"), rs.getString("version"),
                        rs.getLong("started_at"), rs.getLong("last_seen_at"), split(rs.getString("loops"))))
                .list();
    }

    private static List<String> split(String loops) {
        return loops == null || loops.isEmpty() ? List.of() : Arrays.asList(loops.split(","));
    }
}
