package dev.vectis.agent;

import dev.vectis.http.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Shared pieces of the agent's tests. */
final class AgentTesting {

    static final String SECRET = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    static final String WORKER = "wrk_test123";

    private AgentTesting() {
    }

    static Backoff fastBackoff() {
        return new Backoff(Duration.ofMillis(1), Duration.ofMillis(5), d -> Thread.sleep(d.toMillis()));
    }

    static ServerClient unsigned(URI server) {
        return new ServerClient(server, HttpClient.newHttpClient(), Json.mapper(), null, fastBackoff());
    }

    static ServerClient signed(URI server) {
        return unsigned(server).signedBy(new WorkerKey(WORKER, SECRET, Clock.systemUTC()));
    }

    static byte[] zip(Map<String, String> entries) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toByteArray();
    }

    /** One entry of {@code size} zero bytes: compresses about a thousandfold. */
    static byte[] bomb(int size) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            out.putNextEntry(new ZipEntry("zeros.bin"));
            out.write(new byte[size]);
        }
        return bytes.toByteArray();
    }

    static void write(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(content);
        }
    }
}
