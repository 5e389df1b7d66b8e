package dev.vectis.agent;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The log file of one VM, appended to from any thread, readable while it grows. */
final class VmLog {

    private static final Logger LOG = LoggerFactory.getLogger(VmLog.class);

    private final Path file;

    VmLog(Path file) throws IOException {
        this.file = file;
        Files.deleteIfExists(file);
        Files.createFile(file);
    }

    synchronized void append(String text) {
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.warn("Could not write VM log {}: {}", file, e.toString());
        }
    }

    synchronized String read() {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
