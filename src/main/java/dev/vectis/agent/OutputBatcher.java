package dev.vectis.agent;

import dev.vectis.process.ShellRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live output, batched: chunks collect for up to {@code maxDelay} or {@code maxChars}, then go
 * to the server in order, one call per run of same-stream text. Streaming is best effort (the
 * final result carries the whole output), so a failed call is dropped, not retried; an answer
 * that says the job is over stops the batcher and tells the job.
 */
final class OutputBatcher implements ShellRunner.OutputSink {

    private static final Logger LOG = LoggerFactory.getLogger(OutputBatcher.class);

    enum Outcome {
        SENT,
        /** The server cancelled the job or no longer expects it from us. */
        JOB_OVER,
        /** The call failed; the text is dropped. */
        LOST
    }

    interface Sender {
        Outcome send(String type, String data) throws InterruptedException;
    }

    private record Segment(String type, StringBuilder text) {
    }

    private final Sender sender;
    private final int maxChars;
    private final Duration maxDelay;
    private final Runnable onJobOver;
    private final Thread thread;
    private final List<Segment> pending = new ArrayList<>();
    private int pendingChars;
    private long firstAt;
    private boolean open = true;
    private volatile boolean over;

    OutputBatcher(Sender sender, int maxChars, Duration maxDelay, Runnable onJobOver, String name) {
        this.sender = sender;
        this.maxChars = maxChars;
        this.maxDelay = maxDelay;
        this.onJobOver = onJobOver;
        this.thread = new Thread(this::loop, name + "-output");
        this.thread.setDaemon(true);
    }

    OutputBatcher start() {
        thread.start();
        return this;
    }

    @Override
    public synchronized void chunk(String stream, String text) {
        if (!open || over) {
            return;
        }
        boolean first = pending.isEmpty();
        if (first) {
            firstAt = System.nanoTime();
        }
        Segment last = first ? null : pending.get(pending.size() - 1);
        if (last != null && last.type().equals(stream)) {
            last.text().append(text);
        } else {
            pending.add(new Segment(stream, new StringBuilder(text)));
        }
        pendingChars += text.length();
        if (first || pendingChars >= maxChars) {
            notifyAll(); // the first chunk starts the clock; a full batch goes at once
        }
    }

    /** Sends what is left and stops the thread. */
    void close() throws InterruptedException {
        synchronized (this) {
            open = false;
            notifyAll();
        }
        thread.join();
        flush();
    }

    private void loop() {
        try {
            while (waitForBatch()) {
                flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True when a batch is due; false once closed (close() sends the rest itself). */
    private synchronized boolean waitForBatch() throws InterruptedException {
        while (open && pending.isEmpty()) {
            wait();
        }
        long due = firstAt + maxDelay.toNanos();
        while (open && pendingChars < maxChars && System.nanoTime() - due < 0) {
            wait(Math.max(1, (due - System.nanoTime()) / 1_000_000));
        }
        return open;
    }

    private void flush() throws InterruptedException {
        List<Segment> batch;
        synchronized (this) {
            batch = new ArrayList<>(pending);
            pending.clear();
            pendingChars = 0;
        }
        for (Segment s : batch) {
            for (String piece : pieces(s.text())) {
                if (over) {
                    return;
                }
                Outcome outcome = sender.send(s.type(), piece);
                if (outcome == Outcome.JOB_OVER) {
                    over = true;
                    onJobOver.run();
                } else if (outcome == Outcome.LOST) {
                    LOG.debug("Live output of {} chars dropped", piece.length());
                }
            }
        }
    }

    /** Slices of at most twice the batch size, never splitting a surrogate pair. */
    private List<String> pieces(StringBuilder text) {
        List<String> out = new ArrayList<>();
        int limit = Math.max(2, maxChars * 2);
        for (int start = 0; start < text.length(); ) {
            int end = Math.min(text.length(), start + limit);
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                end--;
            }
            out.add(text.substring(start, end));
            start = end;
        }
        return out;
    }
}
