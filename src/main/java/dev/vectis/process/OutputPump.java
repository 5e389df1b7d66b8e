package dev.vectis.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Copies one output stream to the sink, decoding UTF-8 across read boundaries. */
final class OutputPump implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(OutputPump.class);

    private final InputStream in;
    private final String stream;
    private final ShellRunner.OutputSink sink;
    private final long cap;
    private final Runnable onEnd;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final byte[] buffer = new byte[8192];
    private final ByteBuffer pending = ByteBuffer.allocate(buffer.length + 8);
    private final CharBuffer chars = CharBuffer.allocate(pending.capacity() + 8);
    private Thread thread;
    private long forwarded;
    private volatile boolean truncated;
    private volatile boolean ended;
    private boolean detached;

    private OutputPump(InputStream in, String stream, ShellRunner.OutputSink sink, long cap, Runnable onEnd) {
        this.in = in;
        this.stream = stream;
        this.sink = sink;
        this.cap = cap;
        this.onEnd = onEnd;
    }

    static OutputPump start(InputStream in, String stream, ShellRunner.OutputSink sink, long cap, String id, Runnable onEnd) {
        OutputPump pump = new OutputPump(in, stream, sink, cap, onEnd);
        pump.thread = new Thread(pump, id + "-" + stream);
        // A process we could not kill may hold the pipe forever; it must not hold the JVM.
        pump.thread.setDaemon(true);
        pump.thread.start();
        return pump;
    }

    @Override
    public void run() {
        try (in) {
            for (int n; (n = in.read(buffer)) != -1; ) {
                accept(n);
            }
            if (!truncated) {
                decode(true);
            }
        } catch (IOException e) {
            LOG.debug("Output stream {} ended with an error", stream, e);
        } finally {
            ended = true;
            onEnd.run();
        }
    }

    private void accept(int n) {
        if (truncated) {
            return;
        }
        int allowed = (int) Math.min(n, cap - forwarded);
        forwarded += allowed;
        pending.put(buffer, 0, allowed);
        decode(false);
        if (allowed < n) {
            // Keep draining: a full pipe would block the process instead of finishing it.
            truncated = true;
            emit("\n[output truncated after " + cap + " bytes]\n");
        }
    }

    private void decode(boolean endOfInput) {
        pending.flip();
        decoder.decode(pending, chars, endOfInput);
        if (endOfInput) {
            decoder.flush(chars);
        }
        pending.compact();
        emit(chars.flip().toString());
        chars.clear();
    }

    private synchronized void emit(String text) {
        if (detached || text.isEmpty()) {
            return;
        }
        try {
            sink.chunk(stream, text);
        } catch (RuntimeException e) {
            detached = true;
            LOG.debug("Output sink refused {}; no longer forwarding it", stream, e);
        }
    }

    boolean done() {
        return ended;
    }

    void await(long deadlineNanos) throws InterruptedException {
        long millis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        if (millis > 0) {
            thread.join(millis);
        }
    }

    /** After this returns the sink is never called again, even if the pipe stays open. */
    synchronized void detach() {
        detached = true;
    }

    boolean truncated() {
        return truncated;
    }
}
