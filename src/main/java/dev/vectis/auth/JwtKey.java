package dev.vectis.auth;

import dev.vectis.config.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The HMAC key for signed tokens. Configured, or generated once and kept in
 * {@code data_dir/jwt.secret} (mode 0600) so tokens stay valid across restarts.
 */
public final class JwtKey {

    static final String FILE = "jwt.secret";
    private static final int BYTES = 32;

    private final byte[] key;

    private JwtKey(byte[] key) {
        this.key = key;
    }

    public static JwtKey resolve(Optional<Secret> configured, Path dataDir) {
        if (configured.isPresent()) {
            return new JwtKey(configured.get().bytes());
        }
        Path file = dataDir.resolve(FILE);
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            byte[] key = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
            if (key.length < BYTES) {
                throw new IllegalStateException(file + " holds fewer than " + BYTES + " bytes; delete it to generate a new key");
            }
            return new JwtKey(key);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + " is not base64; delete it to generate a new key", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }

    private static void create(Path file) throws IOException {
        byte[] key = new byte[BYTES];
        new SecureRandom().nextBytes(key);
        Path tmp = Files.createTempFile(file.getParent(), ".jwt", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.US_ASCII);
        try {
            // A hard link fails if the name exists, so two processes racing keep the first key.
            Files.createLink(file, tmp);
        } catch (FileAlreadyExistsException e) {
            // the other process's key stands
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public byte[] bytes() {
        return key.clone();
    }
}
