package dev.vectis.agent;

import dev.vectis.workers.Labels;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything {@code vectis agent} was told, checked; the token is never printed. The identity
 * lives in configDir (read-only once enrolled), what jobs and VMs write in stateDir. Labels none:
 * the agent says nothing about them at registration, and those an operator set stay.
 */
record AgentSettings(URI server, Optional<String> token, Path configDir, Path stateDir, Optional<String> ip,
                     Optional<URI> ipDetectUrl, int vmPort, int maxJobs, Optional<Path> provisioners,
                     Duration heartbeatInterval, Duration grace, Labels labels) {

    AgentSettings(URI server, Optional<String> token, Path configDir, Path stateDir, Optional<String> ip,
                  Optional<URI> ipDetectUrl, int vmPort, int maxJobs, Optional<Path> provisioners,
                  Duration heartbeatInterval, Duration grace) {
        this(server, token, configDir, stateDir, ip, ipDetectUrl, vmPort, maxJobs, provisioners, heartbeatInterval,
                grace, Labels.NONE);
    }

    Path workRoot() {
        return stateDir.resolve("work");
    }

    Path vmLogs() {
        return stateDir.resolve("vm-logs");
    }

    @Override
    public String toString() {
        return "AgentSettings[server=" + server + ", token=" + (token.isPresent() ? "(set)" : "(none)")
                + ", configDir=" + configDir + ", stateDir=" + stateDir + ", vmPort=" + vmPort + ", maxJobs=" + maxJobs
                + ", labels=" + labels
                + "]";
    }
}
