package dev.vectis.app;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Standard output for the access log, which has a line for every request: the request hands
 * its line over and goes on, and one thread encodes whatever lines are waiting and writes them
 * with a single write and flush. The queue is bounded; when it is full a request waits for
 * room rather than a line being dropped. Stopping (the logging context stops at exit) writes
 * what is still waiting.
 */
public final class BatchedConsoleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    static final int CAPACITY = 8192;
    private static final int BATCH = 1024;
    private static final long POLL_MILLIS = 100;
    /**
     * After a write the writer waits this long before it looks again, so under load lines
     * gather into a write every few milliseconds and a request's hand-over rarely has to wake it.
     */
    private static final long LINGER_MILLIS = 5;

    private final BlockingQueue<ILoggingEvent> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final Supplier<OutputStream> target;
    private volatile Encoder<ILoggingEvent> encoder;
    private Thread writer;

    public BatchedConsoleAppender() {
        this(() -> System.out);
    }

    /** {@code target} is asked for the stream at each write, so a replaced System.out is honoured. */
    BatchedConsoleAppender(Supplier<OutputStream> target) {
        this.target = target;
    }

    public Encoder<ILoggingEvent> getEncoder() {
        return encoder;
    }

    /** May be replaced while running (log.format switches it to JSON). */
    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    @Override
    public void start() {
        if (encoder == null) {
            addError("No encoder set for the appender named [" + name + "]");
            return;
        }
        writer = new Thread(this::writeUntilStopped, "access-log-writer");
        writer.setDaemon(true);
        super.start();
        writer.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        // The message and the request id are taken now, on the request's thread.
        event.prepareForDeferredProcessing();
        try {
            while (!queue.offer(event, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                if (!isStarted()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        try {
            writer.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeUntilStopped() {
        List<ILoggingEvent> batch = new ArrayList<>(BATCH);
        while (isStarted() || !queue.isEmpty()) {
            try {
                ILoggingEvent first = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                write(batch);
                if (isStarted()) {
                    Thread.sleep(LINGER_MILLIS);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                addError("Could not write log lines", e);
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<ILoggingEvent> batch) {
        Encoder<ILoggingEvent> lines = encoder;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(batch.size() * 160);
        for (ILoggingEvent event : batch) {
            bytes.writeBytes(lines.encode(event));
        }
        try {
            OutputStream out = target.get();
            bytes.writeTo(out);
            out.flush();
        } catch (IOException e) {
            addError("Could not write log lines", e);
        }
    }
}
