package dev.vectis.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs untrusted commands (a job's script, a VM provisioner) as a child process: the one
 * implementation behind the server's direct mode and the worker agent.
 *
 * <p>The child sees a scrubbed environment, reads end-of-file on stdin, and has its output
 * decoded and forwarded live up to a byte cap. Stopping it (cancel or timeout) sends SIGTERM
 * to the whole tree, gives it a grace period to clean up, then SIGKILLs what is left.
 *
 * <p>The tree is found three ways, because a process whose parent died is re-parented and no
 * longer a descendant: the current descendants, every descendant seen while the run went on,
 * and (where {@code setsid} exists, which starts the child as the leader of a new session)
 * every process still in the run's session. A run ends when the shell has exited and its
 * output is drained; a leftover background process holding the output open gets a few
 * seconds, then is stopped like the rest: a run's processes do not outlive it.
 */
public final class ShellRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ShellRunner.class);
    public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(10);
    /** Vectis's own configuration lives under these names and may hold secrets. */
    private static final List<String> HIDDEN_ENV_PREFIXES = List.of("VECTIS_", "PROVIDER_REGISTRY_");
    /** How long the pipes get to drain once the process is gone before we stop listening. */
    private static final Duration DRAIN = Duration.ofSeconds(5);
    /** How often a run re-reads its process tree: a child seen once can be stopped after its parent is gone. */
    private static final long TICK_MILLIS = 250;
    /** Longer than any sensible run, short enough that deadline arithmetic cannot overflow. */
    private static final Duration NO_LIMIT = Duration.ofDays(365 * 100);
    /** Our child is never a process-group leader, so setsid(1) execs in place: same pid, new session. */
    private static final Optional<Path> SETSID = Stream.of("/usr/bin/setsid", "/bin/setsid")
            .map(Path::of).filter(Files::isExecutable).findFirst();

    /**
     * Receives output as it is read. Called from two threads at once (one per stream), so
     * implementations must be thread-safe. An exception stops forwarding for that stream only.
     */
    public interface OutputSink {
        void chunk(String stream, String text);
    }

    /** {@code exitCode} is -1 when the process was killed (timeout, cancel, interrupt). */
    public record Result(int exitCode, boolean timedOut, boolean cancelled, boolean truncated) {
    }

    private final long outputCapBytes;
    private final Duration killGrace;
    private final Set<String> hiddenNames;

    /** @param hiddenNames environment variables removed besides every VECTIS_* and PROVIDER_REGISTRY_* */
    public ShellRunner(long outputCapBytes, Duration killGrace, Collection<String> hiddenNames) {
        this.outputCapBytes = outputCapBytes;
        this.killGrace = killGrace;
        this.hiddenNames = Set.copyOf(hiddenNames);
    }

    /** Runs {@code sh -c commands} in {@code dir} and waits for it. */
    public Result run(Path dir, String commands, Duration timeout, OutputSink sink) {
        return start(dir, commands, timeout, sink).await();
    }

    /** Starts {@code sh -c commands} (newline-separated commands form one script). */
    public Run start(Path dir, String commands, Duration timeout, OutputSink sink) {
        return start(dir, List.of("sh", "-c", commands), timeout, sink);
    }

    /** Starts a program with arguments; a null timeout means none. */
    public Run start(Path dir, List<String> command, Duration timeout, OutputSink sink) {
        List<String> argv = new ArrayList<>();
        SETSID.ifPresent(setsid -> argv.add(setsid.toString()));
        argv.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(argv).directory(dir.toFile());
        builder.environment().keySet().removeIf(name -> hiddenNames.contains(name)
                || HIDDEN_ENV_PREFIXES.stream().anyMatch(name::startsWith));
        Process process;
        try {
            process = builder.start();
            // Nothing will ever be typed: a command that reads stdin sees end-of-file, not a hang.
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Duration limit = timeout == null || timeout.compareTo(NO_LIMIT) > 0 ? NO_LIMIT : timeout;
        return new Run(process, SETSID.isPresent(), limit, sink,
                dir.getFileName() == null ? "run" : dir.getFileName().toString());
    }

    /** A started run. {@link #cancel()} may be called from any thread; {@link #await()} from one. */
    public final class Run {
        private final Process process;
        private final Tree tree;
        private final OutputPump out;
        private final OutputPump err;
        private final long deadline;
        private final Object changed = new Object();
        private volatile boolean cancelRequested;

        private Run(Process process, boolean ownSession, Duration timeout, OutputSink sink, String name) {
            this.process = process;
            this.tree = new Tree(process, ownSession);
            this.deadline = System.nanoTime() + timeout.toNanos();
            this.out = OutputPump.start(process.getInputStream(), "stdout", sink, outputCapBytes, name, this::wake);
            this.err = OutputPump.start(process.getErrorStream(), "stderr", sink, outputCapBytes, name, this::wake);
            process.onExit().thenRun(this::wake);
        }

        public long pid() {
            return process.pid();
        }

        /** Asks the run to stop: SIGTERM to the tree now, SIGKILL after the grace. Returns at once. */
        public void cancel() {
            cancelRequested = true;
            wake();
        }

        /** Waits for the end. Interrupting the caller kills the tree at once (no grace). */
        public Result await() {
            boolean timedOut = false;
            boolean stopped = false;
            long exitedAt = 0;
            boolean exited = false;
            try {
                while (true) {
                    tree.refresh();
                    if (!exited && !process.isAlive()) {
                        exited = true;
                        exitedAt = System.nanoTime();
                    }
                    long now = System.nanoTime();
                    if (exited && out.done() && err.done()) {
                        break;
                    }
                    if (cancelRequested) {
                        stopped = true;
                        break;
                    }
                    if (!exited && now - deadline >= 0) {
                        timedOut = true;
                        stopped = true;
                        break;
                    }
                    long until = exited ? exitedAt + DRAIN.toNanos() : deadline;
                    if (exited && now - until >= 0) {
                        break; // a leftover background process holds the output open
                    }
                    pause(Math.min(TICK_MILLIS, Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - now))));
                }
                tree.terminate(killGrace);
                long drainEnd = System.nanoTime() + DRAIN.toNanos();
                out.await(drainEnd);
                err.await(drainEnd);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                tree.kill();
                stopped = true;
            } finally {
                out.detach();
                err.detach();
            }
            int exitCode = exited ? process.exitValue() : -1;
            return new Result(exitCode, timedOut, stopped && !timedOut, out.truncated() || err.truncated());
        }

        private void wake() {
            synchronized (changed) {
                changed.notifyAll();
            }
        }

        private void pause(long millis) throws InterruptedException {
            synchronized (changed) {
                if (!cancelRequested && (process.isAlive() || !(out.done() && err.done()))) {
                    changed.wait(millis);
                }
            }
        }
    }

    /** The processes of one run: the shell, every descendant seen while it ran, and its session. */
    private static final class Tree {
        private final Process root;
        private final boolean ownSession;
        private final Set<ProcessHandle> seen = new LinkedHashSet<>();

        Tree(Process root, boolean ownSession) {
            this.root = root;
            this.ownSession = ownSession;
        }

        synchronized void refresh() {
            // Once the shell dies its children are re-parented and out of reach: remember them now.
            root.descendants().forEach(seen::add);
        }

        /** SIGTERM to everything still running, the grace, then SIGKILL to what is left. */
        void terminate(Duration grace) throws InterruptedException {
            List<ProcessHandle> all = snapshot();
            if (all.isEmpty()) {
                return;
            }
            all.forEach(ProcessHandle::destroy);
            long end = System.nanoTime() + grace.toNanos();
            while (all.stream().anyMatch(Tree::running) && System.nanoTime() - end < 0) {
                Thread.sleep(50);
            }
            List<ProcessHandle> left = all.stream().filter(Tree::running).toList();
            if (!left.isEmpty()) {
                LOG.debug("{} process(es) ignored SIGTERM for {}; killing them", left.size(), grace);
                left.forEach(ProcessHandle::destroyForcibly);
            }
        }

        void kill() {
            snapshot().forEach(ProcessHandle::destroyForcibly);
        }

        private synchronized List<ProcessHandle> snapshot() {
            refresh();
            Set<ProcessHandle> all = new LinkedHashSet<>(seen);
            if (ownSession) {
                // Linux keeps a pid out of reuse while a session still carries it as its id.
                ProcessHandle.allProcesses().filter(p -> session(p.pid()) == root.pid()).forEach(all::add);
            }
            all.add(root.toHandle());
            return all.stream().filter(Tree::running).toList();
        }

        private static long session(long pid) {
            String[] fields = statFields(pid);
            return fields.length > 3 ? Long.parseLong(fields[3]) : -1;
        }

        /** /proc/PID/stat after the command name: state, ppid, pgrp, session, …; empty when unreadable. */
        private static String[] statFields(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                return stat.substring(stat.lastIndexOf(')') + 1).trim().split(" ");
            } catch (IOException | RuntimeException e) {
                return new String[0];
            }
        }

        /** Alive and not a zombie: an orphan whose reaper is slow must not cost the grace period. */
        private static boolean running(ProcessHandle p) {
            if (!p.isAlive()) {
                return false;
            }
            String[] fields = statFields(p.pid());
            // No /proc here (or the process just went): trust isAlive.
            return fields.length == 0 || !(fields[0].equals("Z") || fields[0].equals("X"));
        }
    }

    /** Deletes a run's directory, including read-only trees that build tools leave behind (Go's module cache). */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
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
            LOG.warn("Could not delete directory {}", dir, e);
        }
    }
}
