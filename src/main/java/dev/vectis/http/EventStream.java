package dev.vectis.http;

import dev.vectis.events.Feed;
import dev.vectis.events.FeedItem;
import dev.vectis.events.Follower;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Serves a Server-Sent Events stream of one subject of a stored, ordered log: sends what
 * follows the client's Last-Event-ID, read once from the database, then what this node's
 * shared reader finds next. The log, not memory, is the source, so any node can serve any
 * stream and a reconnecting client misses nothing.
 */
public final class EventStream {

    /**
     * When a stream is over: once its subject has {@code finished}, which only an item named
     * {@code statusEvent} can bring about, and everything stored has been sent.
     */
    public record Ending(String statusEvent, BooleanSupplier finished) {

        /** A stream that lasts as long as its client and the server. */
        public static final Ending NEVER = new Ending(null, () -> false);
    }

    /**
     * Quiet this long, a stream writes a comment: it keeps proxies from closing the connection,
     * and is how a client that left is noticed (a write fails), so its place is freed.
     */
    private static final Duration KEEPALIVE = Duration.ofSeconds(5);
    /**
     * How long a stream whose subject has finished waits for its last rows to become final
     * (an older transaction still open holds them back) before it ends anyway.
     */
    private static final Duration FINISH_WAIT = Duration.ofSeconds(10);
    /** The reconnection delay a stream sets when it starts. */
    private static final String RETRY = "retry: 2000\n\n";
    /**
     * The one it sets when this node ends it (stopping, or the client fell behind): soon, and
     * by then a stopping node has closed its port, so the load balancer sends the client on.
     */
    private static final String RETRY_ELSEWHERE = "retry: 1000\n: reconnect with Last-Event-ID\n\n";

    private EventStream() {
    }

    /** Last-Event-ID header, else ?lastEventId=, else 0. */
    public static long lastEventId(Context ctx) {
        String raw = ctx.header("Last-Event-ID");
        if (raw == null || raw.isBlank()) {
            raw = ctx.queryParam("lastEventId");
        }
        try {
            return raw == null || raw.isBlank() ? 0 : Math.max(0, Long.parseLong(raw.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Sends {@code first} (e.g. the current state), then the key's items after {@code lastId},
     * until the stream is over, the server stops, the client goes away, or the client falls so
     * far behind that the shared reader dropped it (it resumes with Last-Event-ID).
     */
    public static void serve(Context ctx, Feed feed, String key, List<FeedItem> first, long lastId, Ending ending)
            throws IOException, InterruptedException {
        ctx.status(200);
        ctx.res().setContentType("text/event-stream");
        ctx.res().setCharacterEncoding("UTF-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        ctx.res().setHeader("X-Accel-Buffering", "no");
        Sender out = new Sender(ctx.res().getOutputStream(), ending);
        out.write(RETRY);
        for (FeedItem item : first) {
            out.accept(item);
        }
        try (Follower follower = new Follower(feed, key, lastId)) {
            // Checked before reading, so an item written just before the end is still sent.
            boolean over = ending.finished().getAsBoolean();
            follower.catchUp(out);
            if (over || out.over()) {
                follower.finish(out, FINISH_WAIT);
                return;
            }
            follower.join(out);
            while (true) {
                if (out.over()) {
                    follower.finish(out, FINISH_WAIT);
                    return;
                }
                Duration quiet = out.untilKeepalive();
                if (quiet.isZero()) {
                    out.write(": keep-alive\n\n");
                } else if (!follower.next(quiet, out)) {
                    out.write(RETRY_ELSEWHERE);
                    return;
                }
            }
        }
    }

    /** One stream's output: frames, keep-alives, and whether a status item was sent since the last look. */
    private static final class Sender implements Follower.Sink {

        private final OutputStream stream;
        private final Ending ending;
        private long quietSince = System.nanoTime();
        private boolean statusSent;

        Sender(OutputStream stream, Ending ending) {
            this.stream = stream;
            this.ending = ending;
        }

        @Override
        public void accept(FeedItem item) throws IOException {
            write("id: " + item.id() + "\nevent: " + item.event() + "\ndata: " + item.data() + "\n\n");
            statusSent |= item.event().equals(ending.statusEvent());
        }

        /** After a status item, asks (once) whether the subject has finished. */
        boolean over() {
            if (!statusSent) {
                return false;
            }
            statusSent = false;
            return ending.finished().getAsBoolean();
        }

        Duration untilKeepalive() {
            long left = KEEPALIVE.toNanos() - (System.nanoTime() - quietSince);
            return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
        }

        /** A write to a client that went away throws, which ends the handler. */
        void write(String text) throws IOException {
            stream.write(text.getBytes(StandardCharsets.UTF_8));
            stream.flush();
            quietSince = System.nanoTime();
        }
    }
}
