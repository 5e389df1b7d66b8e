package dev.vectis.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a bundle's commands on this machine ("direct" mode of the command-executor contract).
 * Each run gets its own scratch directory, deleted afterwards whatever happened.
 *
 * <p>The shell's output streams end only when every process holding them has exited, so a
 * background process the script leaves behind keeps the run open until the timeout; after
 * that the run returns and its output is no longer forwarded.
 */
public final class DirectExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(DirectExecutor.class);
    private static final long MAX_EXTRACTED_BYTES = 1L << 30;
    private static final int MAX_ENTRIES = 10_000;
    /** How long the pipes get to drain once the process is gone before we stop listening. */
    private static final Duration KILL_GRACE = Duration.ofSeconds(5);
    /** The server's own configuration lives under these names and may hold secrets. */
    private static final List<String> HIDDEN_ENV_PREFIXES = List.of("VECTIS_", "PROVIDER_REGISTRY_");

    /**
     * Receives output as it is read. Called from two threads at once (one per stream), so
     * implementations must be thread-safe. An exception stops forwarding for that stream only.
     */
    public interface OutputSink {
        void chunk(String stream, String text);
    }

    /** {@code exitCode} is -1 when the process was killed. */
    public record Result(int exitCode, boolean timedOut, boolean truncated) {
    }

    private final Path workRoot;
    private final Duration timeout;
    private final long outputCapBytes;

    public DirectExecutor(Path workRoot, Duration timeout, long outputCapBytes) {
        this.workRoot = workRoot;
        this.timeout = timeout;
        this.outputCapBytes = outputCapBytes;
    }

    /** Interrupting the caller kills the process; the result then has exit code -1. */
    public Result run(Path bundleZip, String commands, OutputSink sink) {
        Path dir = createWorkDir();
        try {
            ZipExtractor.extract(bundleZip, dir, MAX_EXTRACTED_BYTES, MAX_ENTRIES);
            return execute(dir, commands, sink);
        } finally {
            deleteRecursively(dir);
        }
    }

    private Result execute(Path dir, String commands, OutputSink sink) {
        Process process = start(dir, commands);
        String id = dir.getFileName().toString();
        Pump out = Pump.start(process.getInputStream(), "stdout", sink, outputCapBytes, id);
        Pump err = Pump.start(process.getErrorStream(), "stderr", sink, outputCapBytes, id);
        long deadline = System.nanoTime() + timeout.toNanos();
        int exitCode = -1;
        boolean timedOut = false;
        try {
            if (process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                exitCode = process.exitValue();
            } else {
                timedOut = true;
                killTree(process);
            }
            // Whatever is still in the pipes deserves a moment, even right at the deadline.
            long graceEnd = System.nanoTime() + KILL_GRACE.toNanos();
            if (timedOut || deadline - graceEnd < 0) {
                deadline = graceEnd;
            }
            out.await(deadline);
            err.await(deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (process.isAlive()) {
                killTree(process);
            }
            out.detach();
            err.detach();
        }
        return new Result(exitCode, timedOut, out.truncated() || err.truncated());
    }

    private static Process start(Path dir, String commands) {
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", commands).directory(dir.toFile());
        builder.environment().keySet().removeIf(name -> HIDDEN_ENV_PREFIXES.stream().anyMatch(name::startsWith));
        try {
            Process process = builder.start();
            // Nothing will ever be typed: a command that reads stdin sees end-of-file, not a hang.
            process.getOutputStream().close();
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void killTree(Process process) {
        // Snapshot first: once the shell dies its children are re-parented and out of reach.
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    private Path createWorkDir() {
        try {
            Files.createDirectories(workRoot);
            return Files.createTempDirectory(workRoot, "exec-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    // Build tools leave read-only trees behind (Go's module cache, for one).
                    d.toFile().setReadable(true, true);
                    d.toFile().setWritable(true, true);
                    d.toFile().setExecutable(true, true);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("Could not delete execution directory {}", dir, e);
        }
    }

    /** Copies one output stream to the sink, decoding UTF-8 across read boundaries. */
    private static final class Pump implements Runnable {
        private final InputStream in;
        private final String stream;
        private final OutputSink sink;
        private final long cap;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        private final byte[] buffer = new byte[8192];
        private final ByteBuffer pending = ByteBuffer.allocate(buffer.length + 8);
        private final CharBuffer chars = CharBuffer.allocate(pending.capacity() + 8);
        private Thread thread;
        private long forwarded;
        private volatile boolean truncated;
        private boolean detached;

        private Pump(InputStream in, String stream, OutputSink sink, long cap) {
            this.in = in;
            this.stream = stream;
            this.sink = sink;
            this.cap = cap;
        }

        static Pump start(InputStream in, String stream, OutputSink sink, long cap, String id) {
            Pump pump = new Pump(in, stream, sink, cap);
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
}
