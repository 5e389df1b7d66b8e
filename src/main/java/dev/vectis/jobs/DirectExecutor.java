package dev.vectis.jobs;

import dev.vectis.process.ShellRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Runs a bundle's commands on this machine ("direct" mode of the command-executor contract).
 * Each run gets its own scratch directory, deleted afterwards whatever happened; the
 * process handling (environment, output, timeout, killing the tree) is {@link ShellRunner}'s.
 */
public final class DirectExecutor {

    private static final long MAX_EXTRACTED_BYTES = 1L << 30;
    private static final int MAX_ENTRIES = 10_000;

    /** The sink {@link ShellRunner} feeds; kept under this name for the server's callers. */
    public interface OutputSink extends ShellRunner.OutputSink {
    }

    /** {@code exitCode} is -1 when the process was killed. */
    public record Result(int exitCode, boolean timedOut, boolean truncated) {
    }

    private final Path workRoot;
    private final Duration timeout;
    private final ShellRunner runner;

    public DirectExecutor(Path workRoot, Duration timeout, long outputCapBytes) {
        this.workRoot = workRoot;
        this.timeout = timeout;
        this.runner = new ShellRunner(outputCapBytes, ShellRunner.DEFAULT_KILL_GRACE, List.of());
    }

    /** Interrupting the caller kills the process; the result then has exit code -1. */
    public Result run(Path bundleZip, String commands, OutputSink sink) {
        Path dir = createWorkDir();
        try {
            ZipExtractor.extract(bundleZip, dir, MAX_EXTRACTED_BYTES, MAX_ENTRIES);
            ShellRunner.Result r = runner.run(dir, commands, timeout, sink);
            return new Result(r.exitCode(), r.timedOut(), r.truncated());
        } finally {
            ShellRunner.deleteTree(dir);
        }
    }

    private Path createWorkDir() {
        try {
            Files.createDirectories(workRoot);
            return Files.createTempDirectory(workRoot, "exec-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
