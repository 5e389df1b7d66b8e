package dev.vectis.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.http.Json;
import dev.vectis.process.ShellRunner;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker agent, wired by hand in one place: enrol (or reuse worker.conf), register with
 * the command executor, send heartbeats, take jobs, serve the VM API; and on close stop in
 * the order that loses no work and keeps nobody waiting: stop taking jobs at once, stop the
 * heartbeats, tell the server this worker is leaving (listing the jobs it is finishing), let
 * those finish within the grace, stop the rest and hand them back, then the VM API.
 */
final class Agent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    private static final long OUTPUT_CAP_BYTES = 4L << 20;
    private static final long VM_LOG_CAP_BYTES = 16L << 20;
    private static final Duration KILL_GRACE = ShellRunner.DEFAULT_KILL_GRACE;
    /** After the stopped jobs were signalled: their kill grace plus time to clean up. */
    private static final Duration STOP_WINDOW = KILL_GRACE.plusSeconds(40);

    private final AgentSettings settings;
    private Heartbeats heartbeats;
    private Departure departure;
    private Reports reports;
    private JobPoller poller;
    private VmApi vmApi;
    private VirtualMachines vms;

    private Agent(AgentSettings settings) {
        this.settings = settings;
    }

    /** Enrols if needed and starts everything; {@code running} turning false abandons the start-up. */
    static Agent start(AgentSettings settings, Clock clock, BooleanSupplier running)
            throws IOException, InterruptedException {
        Agent agent = new Agent(settings);
        try {
            agent.startParts(clock, running);
        } catch (IOException | InterruptedException | RuntimeException e) {
            agent.close();
            throw e;
        }
        return agent;
    }

    private void startParts(Clock clock, BooleanSupplier running) throws IOException, InterruptedException {
        ObjectMapper mapper = Json.mapper();
        SecureRandom random = new SecureRandom();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        ServerClient unsigned = new ServerClient(settings.server(), http, mapper, null, Backoff.standard());
        Enrolment.Identity identity = new Enrolment(unsigned, IpDetection.system(http), random)
                .identify(settings.configDir(), settings.token(), settings.ip(), settings.ipDetectUrl());
        String workerId = identity.conf().workerId();
        WorkerKey key = new WorkerKey(workerId, identity.secret(), clock);
        ServerClient server = unsigned.signedBy(key);

        if (settings.vmPort() != 0) {
            vms = new VirtualMachines(settings.provisioners(), settings.vmLogs(), identity.conf().publicIp(),
                    new ShellRunner(VM_LOG_CAP_BYTES, KILL_GRACE, List.of()), random);
            vmApi = new VmApi(null, settings.vmPort(), key, vms, mapper, random);
            vmApi.start();
        }

        Registration registration = new Registration(server, workerId, settings.maxJobs(), settings.labels(), running);
        if (!registration.register()) {
            return;
        }
        departure = new Departure(server, workerId);
        heartbeats = new Heartbeats(server, workerId, settings.heartbeatInterval(), registration::register);
        registration.onAnswer(heartbeats::adopt);
        heartbeats.start();

        Path workRoot = prepareWorkRoot();
        HttpClient thirdParty = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        JobRunner runner = new JobRunner(server, workerId, new BundleFetcher(server, thirdParty, JobRunner.MAX_EXTRACTED_BYTES),
                new ShellRunner(OUTPUT_CAP_BYTES, KILL_GRACE, List.of()), reports = new Reports(server, workerId),
                workRoot, JobRunner.Tuning.standard());
        poller = new JobPoller(server, workerId, settings.maxJobs(), runner, registration);
        poller.start();
        LOG.info("Agent ready: worker {}, up to {} job(s) at once, VM API {}", workerId, settings.maxJobs(),
                vmApi == null ? "off" : "on port " + vmApi.port());
    }

    /** Private to the agent's user; job directories left by a crash are nobody's now. */
    private Path prepareWorkRoot() throws IOException {
        Path root = settings.workRoot();
        Files.createDirectories(root);
        if (root.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        }
        try (Stream<Path> leftovers = Files.list(root)) {
            leftovers.forEach(ShellRunner::deleteTree);
        }
        return root;
    }

    @Override
    public void close() {
        LOG.info("Agent stopping");
        try {
            stopParts();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("Interrupted while stopping; some jobs may not have been reported");
        }
        LOG.info("Agent stopped");
    }

    private void stopParts() throws InterruptedException {
        if (poller != null) {
            poller.stopTaking();
        }
        if (heartbeats != null) {
            // Before the departure: a heartbeat after it would be this worker coming back.
            heartbeats.stop();
        }
        if (departure != null) {
            departure.leave(poller == null ? List.of() : poller.runningIds());
        }
        if (poller != null) {
            if (!poller.awaitIdle(settings.grace())) {
                LOG.info("{} job(s) still running after {} s; stopping them", poller.running(),
                        settings.grace().toSeconds());
                List<AssignedJob> stopped = poller.stopAll(JobControl.Reason.AGENT_STOPPED);
                poller.awaitIdle(STOP_WINDOW);
                // Leaving again hands back what is no longer running: retried elsewhere while attempts last.
                if (!departure.leave(poller.runningIds())) {
                    for (AssignedJob job : stopped) {
                        reports.fail(job, "agent stopped");
                    }
                }
            }
            poller.close();
        }
        if (vmApi != null) {
            vmApi.stop();
            vms.stopAll();
        }
    }
}
