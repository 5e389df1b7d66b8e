package dev.vectis.agent;

import dev.vectis.error.InvalidInputException;
import dev.vectis.workers.Labels;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run the worker agent: enrol this machine, take jobs, serve the VM API.")
public final class AgentCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--server", required = true, paramLabel = "URL", description = "The Vectis server, e.g. https://vectis.example.com")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Enrolment token (default: $VECTIS_TOKEN); only needed until worker.conf exists.")
    String token;

    @Option(names = "--config-dir", paramLabel = "DIR", defaultValue = "/etc/vectis",
            description = "Where worker.secret and worker.conf live (default: ${DEFAULT-VALUE}).")
    Path configDir;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where job directories and VM logs go (default: the config directory).")
    Path stateDir;

    @Option(names = "--ip", paramLabel = "IP", description = "The address to enrol with (default: detected).")
    String ip;

    @Option(names = "--ip-detect-url", paramLabel = "URL", description = "A service that answers with the caller's public IP.")
    String ipDetectUrl;

    @Option(names = "--vm-port", paramLabel = "PORT", defaultValue = "4000",
            description = "Port of the VM API; 0 turns it off (default: ${DEFAULT-VALUE}).")
    int vmPort;

    @Option(names = "--max-jobs", paramLabel = "N", defaultValue = "1", description = "Jobs run at once (default: ${DEFAULT-VALUE}).")
    int maxJobs;

    @Option(names = "--provisioners", paramLabel = "DIR", description = "Directory holding the linux / windows / test provisioners.")
    Path provisioners;

    @Option(names = "--heartbeat-seconds", paramLabel = "N", defaultValue = "10",
            description = "Heartbeat interval until the server suggests one (default: ${DEFAULT-VALUE}).")
    int heartbeatSeconds;

    @Option(names = "--label", paramLabel = "KEY=VALUE",
            description = "A label jobs can require, e.g. gpu=true; repeat for more (default: $VECTIS_LABELS, "
                    + "comma-separated). Sent at every registration, replacing the worker's labels.")
    List<String> labels;

    @Option(names = "--grace-seconds", paramLabel = "N", defaultValue = "30",
            description = "On SIGTERM, how long running jobs may take to finish (default: ${DEFAULT-VALUE}).")
    int graceSeconds;

    @Override
    public Integer call() throws Exception {
        AgentSettings settings = settings();
        CountDownLatch stop = new CountDownLatch(1);
        // Handling TERM ourselves (rather than only a shutdown hook) lets a clean stop exit 0, not 143.
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        Agent agent;
        try {
            agent = Agent.start(settings, Clock.systemUTC(), () -> stop.getCount() > 0);
        } catch (AgentException e) {
            spec.commandLine().getErr().println("vectis agent: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            spec.commandLine().getErr().println("vectis agent: cannot use its files: " + e);
            return 1;
        }
        try {
            stop.await();
        } finally {
            agent.close();
        }
        return 0;
    }

    private AgentSettings settings() {
        URI serverUri = url(server, "--server");
        Optional<URI> echo = Optional.ofNullable(ipDetectUrl).map(u -> url(u, "--ip-detect-url"));
        check(vmPort >= 0 && vmPort <= 65535, "--vm-port must be from 0 to 65535");
        check(maxJobs >= 1 && maxJobs <= 1000, "--max-jobs must be from 1 to 1000");
        check(heartbeatSeconds >= 1 && heartbeatSeconds <= 3600, "--heartbeat-seconds must be from 1 to 3600");
        check(graceSeconds >= 0, "--grace-seconds must not be negative");
        String t = token != null ? token : System.getenv("VECTIS_TOKEN");
        return new AgentSettings(serverUri, Optional.ofNullable(t).filter(s -> !s.isBlank()), configDir,
                stateDir == null ? configDir : stateDir,
                Optional.ofNullable(ip), echo, vmPort, maxJobs, Optional.ofNullable(provisioners),
                Duration.ofSeconds(heartbeatSeconds), Duration.ofSeconds(graceSeconds), labels());
    }

    private Labels labels() {
        String text = labels != null && !labels.isEmpty() ? String.join(",", labels) : System.getenv("VECTIS_LABELS");
        try {
            return Labels.fromText(text, labels != null && !labels.isEmpty() ? "--label" : "VECTIS_LABELS");
        } catch (InvalidInputException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private URI url(String text, String option) {
        try {
            URI uri = URI.create(text.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getRawQuery() == null) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            // falls through to the message
        }
        throw new CommandLine.ParameterException(spec.commandLine(), option + " must be an http(s) URL, not " + text);
    }

    private void check(boolean ok, String message) {
        if (!ok) {
            throw new CommandLine.ParameterException(spec.commandLine(), message);
        }
    }
}
