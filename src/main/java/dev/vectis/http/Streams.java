package dev.vectis.http;

import dev.vectis.events.FeedReader;

/** What every event-stream endpoint shares: this node's one reader of the stored logs, and the caps on open streams. */
public record Streams(FeedReader reader, StreamLimits limits) {
}
