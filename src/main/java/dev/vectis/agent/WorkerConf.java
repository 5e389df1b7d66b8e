package dev.vectis.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The worker's identity as fleet-registration.md stores it in worker.conf: shell-style
 * KEY=VALUE lines, so the install script can source the same file.
 */
record WorkerConf(String workerId, String subdomain, String publicIp, String syncStatus) {

    static final String FILE = "worker.conf";

    static Optional<WorkerConf> read(Path configDir) throws IOException {
        Path file = configDir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(parse(Files.readString(file, StandardCharsets.UTF_8), file.toString()));
    }

    static WorkerConf parse(String text, String source) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String raw : text.split("\\R")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new AgentException(source + ": expected KEY=VALUE, found: " + line);
            }
            values.put(line.substring(0, eq).strip(), unquote(line.substring(eq + 1).strip()));
        }
        String id = values.get("WORKER_ID");
        if (id == null || id.isBlank()) {
            throw new AgentException(source + " has no WORKER_ID; delete it to enrol this machine again");
        }
        return new WorkerConf(id, values.getOrDefault("SUBDOMAIN", ""), values.getOrDefault("PUBLIC_IP", ""),
                values.getOrDefault("SYNC_STATUS", ""));
    }

    /** Exactly the spec's layout. */
    String format() {
        return "WORKER_ID=" + workerId + "\n"
                + "SUBDOMAIN=" + subdomain + "\n"
                + "PUBLIC_IP=" + publicIp + "\n"
                + "SYNC_STATUS=" + syncStatus + "\n";
    }

    void write(Path configDir) throws IOException {
        PrivateFiles.replace(configDir.resolve(FILE), format());
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}
