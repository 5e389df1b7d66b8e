package dev.vectis.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.config.BuildInfo;
import dev.vectis.workers.Labels;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/workers/register}: tells the command executor this worker exists, how much
 * it takes and which labels it carries; the answer carries the pace the server expects.
 */
final class Registration {

    private static final Logger LOG = LoggerFactory.getLogger(Registration.class);

    private final ServerClient server;
    private final String workerId;
    private final int maxJobs;
    private final Labels labels;
    private final BooleanSupplier running;
    private volatile JsonNode answer;
    private volatile Consumer<JsonNode> listener = a -> { };

    Registration(ServerClient server, String workerId, int maxJobs, Labels labels, BooleanSupplier running) {
        this.server = server;
        this.workerId = workerId;
        this.maxJobs = maxJobs;
        this.labels = labels;
        this.running = running;
    }

    Registration(ServerClient server, String workerId, int maxJobs, BooleanSupplier running) {
        this(server, workerId, maxJobs, Labels.NONE, running);
    }

    /** Hands {@code listener} each successful answer from now on, starting with the last one, if any. */
    void onAnswer(Consumer<JsonNode> listener) {
        this.listener = listener;
        JsonNode last = answer;
        if (last != null) {
            listener.accept(last);
        }
    }

    /** Registers, retrying with backoff until it works; false when the agent stopped first. */
    boolean register() throws InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("workerId", workerId);
        body.put("hostname", hostname());
        body.put("os", System.getProperty("os.name", "linux").toLowerCase(Locale.ROOT));
        body.put("cpuCount", Runtime.getRuntime().availableProcessors());
        body.put("version", BuildInfo.version());
        body.put("maxJobs", maxJobs);
        if (!labels.isEmpty()) {
            body.put("labels", labels.pairs());
        }
        for (int failures = 1; running.getAsBoolean(); failures++) {
            try {
                ServerClient.Response r = server.send("POST", "/api/workers/register", body,
                        ServerClient.DEFAULT_TIMEOUT);
                if (r.ok()) {
                    LOG.info("Registered with the command executor as {} (up to {} job(s) at once{})", workerId,
                            maxJobs, labels.isEmpty() ? "" : ", labels " + labels.canonical());
                    answer = r.json(server.mapper());
                    listener.accept(answer);
                    return true;
                }
                LOG.error("The server refused the registration (HTTP {}): {}{}", r.status(),
                        r.json(server.mapper()).path("error").asText(r.text()), r.status() == 401
                                ? " (if this worker was removed on the server, delete worker.conf and restart to "
                                + "enrol again)" : "");
            } catch (IOException e) {
                LOG.warn("Cannot reach the server to register ({}); retrying", e.toString());
            }
            server.backoff().pause(failures);
        }
        return false;
    }

    /** The kernel's name for this machine; the resolver is a slow, fallible last resort. */
    static String hostname() {
        try {
            Path kernel = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(kernel)) {
                String name = Files.readString(kernel).strip();
                if (!name.isEmpty()) {
                    return name;
                }
            }
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
