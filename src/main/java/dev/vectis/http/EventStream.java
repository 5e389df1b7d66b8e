package dev.vectis.http;

import dev.vectis.events.Signal;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;

/**
 * Serves a Server-Sent Events stream read from a stored, ordered log: sends what follows
 * the client's Last-Event-ID, then waits for more. The log, not memory, is the source, so
 * any node can serve any stream and a reconnecting client misses nothing.
 */
public final class EventStream {

    /** One stored item: its id (the SSE id), event name and JSON data. */
    public record Item(long id, String event, String data) {
    }

    private static final Duration SLICE = Duration.ofSeconds(1);
    private static final long KEEPALIVE_NANOS = Duration.ofSeconds(15).toNanos();

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
     * Streams until {@code finished} says there will be nothing more (after sending all
     * there is), the server is {@code closing}, or the client goes away.
     *
     * @param after   items with ids greater than the argument, oldest first
     * @param changed fired when new items may exist
     */
    public static void serve(Context ctx, long lastId, LongFunction<List<Item>> after, Signal changed,
                             BooleanSupplier finished, BooleanSupplier closing) throws IOException, InterruptedException {
        serve(ctx, List.of(), lastId, after, changed, finished, closing);
    }

    /** As above, sending {@code first} (e.g. the current state) before anything stored. */
    public static void serve(Context ctx, List<Item> first, long lastId, LongFunction<List<Item>> after, Signal changed,
                             BooleanSupplier finished, BooleanSupplier closing) throws IOException, InterruptedException {
        ctx.status(200);
        ctx.res().setContentType("text/event-stream");
        ctx.res().setCharacterEncoding("UTF-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        ctx.res().setHeader("X-Accel-Buffering", "no");
        OutputStream out = ctx.res().getOutputStream();
        write(out, "retry: 2000\n\n");
        for (Item item : first) {
            write(out, "id: " + item.id() + "\nevent: " + item.event() + "\ndata: " + item.data() + "\n\n");
        }
        long last = lastId;
        long quietSince = System.nanoTime();
        while (true) {
            long seen = changed.version();
            List<Item> items = after.apply(last);
            for (Item item : items) {
                write(out, "id: " + item.id() + "\nevent: " + item.event() + "\ndata: " + item.data() + "\n\n");
                last = item.id();
            }
            if (!items.isEmpty()) {
                quietSince = System.nanoTime();
                continue;
            }
            if (closing.getAsBoolean()) {
                return; // the server is stopping; the client reconnects with Last-Event-ID
            }
            // Checked before re-reading, so an item written just before the end is still sent.
            if (finished.getAsBoolean() && after.apply(last).isEmpty()) {
                return;
            }
            if (System.nanoTime() - quietSince > KEEPALIVE_NANOS) {
                write(out, ": keep-alive\n\n");
                quietSince = System.nanoTime();
            }
            changed.await(seen, SLICE);
        }
    }

    /** A write to a client that went away throws, which ends the handler. */
    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
