package dev.vectis.agent;

import dev.vectis.error.InvalidInputException;
import dev.vectis.process.ShellRunner;
import dev.vectis.jobs.ZipExtractor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one job from start to report: a private directory, the bundle downloaded and safely
 * extracted, the commands run with live output and cancellation, the outcome reported,
 * the directory deleted whatever happened.
 */
final class JobRunner {

    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
    static final long MAX_EXTRACTED_BYTES = 1L << 30;
    static final int MAX_ENTRIES = 10_000;

    /** Timings that tests shorten. */
    record Tuning(Duration defaultTimeout, Duration cancelPoll, int batchChars, Duration batchDelay) {

        static Tuning standard() {
            return new Tuning(Duration.ofHours(1), Duration.ofSeconds(2), 32 * 1024, Duration.ofMillis(250));
        }
    }

    private final ServerClient server;
    private final String workerId;
    private final BundleFetcher fetcher;
    private final ShellRunner shell;
    private final Reports reports;
    private final Path workRoot;
    private final Tuning tuning;

    JobRunner(ServerClient server, String workerId, BundleFetcher fetcher, ShellRunner shell, Reports reports,
              Path workRoot, Tuning tuning) {
        this.server = server;
        this.workerId = workerId;
        this.fetcher = fetcher;
        this.shell = shell;
        this.reports = reports;
        this.workRoot = workRoot;
        this.tuning = tuning;
    }

    void run(JobControl control) throws InterruptedException {
        AssignedJob job = control.job();
        LOG.info("Job {} started (attempt {}, {})", job.jobId(), job.attempt(), job.filename());
        long started = System.nanoTime();
        Path dir = null;
        String outcome;
        try {
            dir = Files.createTempDirectory(workRoot, "job-");
            outcome = execute(control, prepare(job, dir));
        } catch (JobFailedException e) {
            outcome = stopped(control).orElse(null);
            if (outcome == null) {
                reports.fail(job, e.getMessage());
                outcome = "failed: " + e.getMessage();
            }
        } catch (IOException | UncheckedIOException e) {
            reports.fail(job, "agent error: " + e.getMessage());
            outcome = "failed: " + e;
        } finally {
            if (dir != null) {
                ShellRunner.deleteTree(dir);
            }
        }
        LOG.info("Job {} finished in {} s: {}", job.jobId(),
                Duration.ofNanos(System.nanoTime() - started).toSeconds(), outcome);
    }

    private Path prepare(AssignedJob job, Path dir) throws JobFailedException, IOException, InterruptedException {
        Path files = dir.resolve("files");
        if (job.fileUrl().isBlank()) {
            Files.createDirectory(files);
            return files;
        }
        Path zip = dir.resolve("bundle.zip");
        fetcher.fetch(job.fileUrl(), zip);
        try {
            ZipExtractor.extract(zip, files, MAX_EXTRACTED_BYTES, MAX_ENTRIES);
        } catch (InvalidInputException e) {
            throw new JobFailedException("bundle refused: " + e.getMessage());
        } catch (UncheckedIOException e) {
            throw new JobFailedException("bundle could not be extracted: " + e.getCause().getMessage());
        }
        Files.delete(zip);
        return files;
    }

    private String execute(JobControl control, Path files) throws InterruptedException {
        AssignedJob job = control.job();
        Runnable serverSaysStop = () -> control.stop(JobControl.Reason.SERVER);
        String name = "job-" + job.jobId();
        OutputBatcher live = new OutputBatcher(new StreamOutput(server, job, workerId), tuning.batchChars(),
                tuning.batchDelay(), serverSaysStop, name).start();
        OutputCapture capture = new OutputCapture(live);
        ShellRunner.Result result;
        CancelWatch watch = null;
        try {
            ShellRunner.Run run = shell.start(files, job.command().replace("\r\n", "\n"), timeout(job), capture);
            control.attach(run);
            watch = new CancelWatch(server, job.jobId(), tuning.cancelPoll(), serverSaysStop, name).start();
            result = run.await();
        } finally {
            if (watch != null) {
                watch.stop();
            }
            live.close();
        }
        Optional<String> stop = stopped(control);
        if (stop.isPresent()) {
            return stop.get();
        }
        if (result.timedOut()) {
            reports.fail(job, "timed out");
            return "timed out";
        }
        reports.complete(job, capture.stdout(), capture.stderr(), result.exitCode());
        return "exit code " + result.exitCode() + (result.truncated() ? " (output truncated)" : "");
    }

    /** What happened to a job stopped from outside, after reporting it where that is due. */
    private Optional<String> stopped(JobControl control) throws InterruptedException {
        JobControl.Reason reason = control.reason();
        if (reason == JobControl.Reason.SERVER) {
            return Optional.of("cancelled by the server; no result sent");
        }
        if (reason == JobControl.Reason.AGENT_STOPPED) {
            return Optional.of("stopped with the agent; the departure hands it back");
        }
        return Optional.empty();
    }

    private Duration timeout(AssignedJob job) {
        Integer s = job.timeoutSeconds();
        return s != null && s > 0 ? Duration.ofSeconds(s) : tuning.defaultTimeout();
    }
}
