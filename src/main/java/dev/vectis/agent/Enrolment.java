package dev.vectis.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.workers.WorkerId;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who this worker is: worker.conf when it exists, otherwise a new enrolment through
 * {@code POST /api/v1/workers} (fleet-registration.md), saved to worker.conf for next time.
 */
final class Enrolment {

    private static final Logger LOG = LoggerFactory.getLogger(Enrolment.class);
    private static final int TRIES = 6;

    /** The worker's identity and the secret it signs with. */
    record Identity(WorkerConf conf, String secret) {

        @Override
        public String toString() {
            return "Identity[" + conf + "]";
        }
    }

    private final ServerClient server;
    private final IpDetection ips;
    private final SecureRandom random;

    Enrolment(ServerClient server, IpDetection ips, SecureRandom random) {
        this.server = server;
        this.ips = ips;
        this.random = random;
    }

    Identity identify(Path configDir, Optional<String> token, Optional<String> ip, Optional<URI> ipEcho)
            throws IOException, InterruptedException {
        Optional<WorkerConf> existing = WorkerConf.read(configDir);
        if (existing.isPresent()) {
            LOG.info("Worker {} (from {})", existing.get().workerId(), configDir.resolve(WorkerConf.FILE));
            if (token.filter(t -> !t.isBlank()).isPresent()) {
                // A token left where the agent can read it is a credential that enrols any machine.
                LOG.warn("This machine is enrolled; the enrolment token is not needed any more: remove VECTIS_TOKEN "
                        + "or --token from the agent's environment, command line and files");
            }
            return new Identity(existing.get(), SecretFile.read(configDir));
        }
        String bearer = token.filter(t -> !t.isBlank()).orElseThrow(() -> new AgentException("this machine is not "
                + "enrolled yet (no " + configDir.resolve(WorkerConf.FILE) + "): pass --token or set VECTIS_TOKEN"));
        String secret = SecretFile.readOrCreate(configDir, random);
        String address = ips.detect(ip, ipEcho);
        if ("http".equalsIgnoreCase(server.uri("/").getScheme()) && !server.uri("/").getHost().matches(
                "localhost|127\\.0\\.0\\.1|\\[::1]")) {
            LOG.warn("Enrolling over plain http: the token and the worker secret cross the network unencrypted");
        }
        LOG.info("Enrolling this machine as {} with {}", address, server.uri("/api/v1/workers"));
        WorkerConf conf = enrol(bearer, secret, address);
        conf.write(configDir);
        LOG.info("Enrolled as worker {} ({}); saved {}", conf.workerId(), conf.subdomain(),
                configDir.resolve(WorkerConf.FILE));
        return new Identity(conf, secret);
    }

    private WorkerConf enrol(String token, String secret, String ip) throws IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ip", ip);
        body.put("secret", secret);
        body.put("hostname", Registration.hostname());
        ServerClient.Response r;
        try {
            r = server.sendWithRetries("POST", "/api/v1/workers", body, TRIES, "Authorization", "Bearer " + token);
        } catch (IOException e) {
            throw new AgentException("cannot reach " + server.uri("/api/v1/workers") + " to enrol: " + e, e);
        }
        JsonNode json = r.json(server.mapper());
        if (r.ok()) {
            // 201 for a new worker; 200 when the server already knew this IP and secret (a re-sync).
            return conf(json, ip, "the enrolment answer");
        }
        String message = json.path("message").asText(r.text());
        if (r.status() == 409 && json.hasNonNull("id")) {
            // Older servers answered a re-sync so, and only when the secret we sent matched.
            LOG.info("The server already knows this machine ({}); reusing its identity", ip);
            return conf(json, ip, "the 409 answer");
        }
        throw new AgentException(switch (r.status()) {
            case 409 -> "the server already has a worker with IP " + ip + " that was not enrolled with this "
                    + "machine's secret: remove that worker on the server, or restore its worker.secret (" + message + ")";
            case 401, 403 -> "the server refused the enrolment token (HTTP " + r.status() + "): " + message;
            default -> "enrolment failed (HTTP " + r.status() + "): " + message;
        });
    }

    private static WorkerConf conf(JsonNode json, String postedIp, String what) {
        String id = json.path("id").asText("");
        String subdomain = json.path("subdomain").asText("");
        if (id.isBlank() || !WorkerId.isValid(id) || subdomain.contains("\n")) {
            throw new AgentException(what + " has no usable worker id");
        }
        String ip = json.path("ip").asText(postedIp);
        return new WorkerConf(id, subdomain, ip.isBlank() || ip.contains("\n") ? postedIp : ip, "synced");
    }
}
