package dev.vectis.nodes;

import java.util.List;

/** A Vectis node as its own row says: where it listens, what it runs, when it was last heard of. */
public record Node(String id, String address, String version, long startedAt, long lastSeenAt, List<String> loops) {
}
