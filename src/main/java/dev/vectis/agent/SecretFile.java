package dev.vectis.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** worker.secret: the HMAC key this worker shares with the server, created once and never printed. */
final class SecretFile {

    static final String FILE = "worker.secret";
    /** The server refuses shorter secrets. */
    private static final int MIN_LENGTH = 32;
    private static final Logger LOG = LoggerFactory.getLogger(SecretFile.class);

    private SecretFile() {
    }

    static String read(Path configDir) throws IOException {
        Path file = configDir.resolve(FILE);
        if (!Files.exists(file)) {
            throw new AgentException(file + " is missing; restore it, or delete worker.conf to enrol again");
        }
        if (!PrivateFiles.ownerOnly(file)) {
            LOG.warn("{} can be read by other users; run: chmod 600 {}", file, file);
        }
        String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (secret.length() < MIN_LENGTH) {
            throw new AgentException(file + " holds fewer than " + MIN_LENGTH + " characters; it is not a usable secret");
        }
        return secret;
    }

    /** The existing secret, or a new one: 32 random bytes as 64 lowercase hex characters, mode 0600. */
    static String readOrCreate(Path configDir, SecureRandom random) throws IOException {
        Path file = configDir.resolve(FILE);
        if (!Files.exists(file)) {
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            try {
                PrivateFiles.create(file, HexFormat.of().formatHex(bytes) + "\n");
                LOG.info("Created a new worker secret in {}", file);
            } catch (FileAlreadyExistsException e) {
                LOG.debug("{} appeared meanwhile; using it", file);
            }
        }
        return read(configDir);
    }
}
