package dev.vectis.auth;

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
 * A random key kept in a file under data_dir (base64, mode 0600): created on first use,
 * read on every later start. A damaged file stops start-up rather than being replaced,
 * because replacing it would silently invalidate everything sealed or signed with it.
 */
final class KeyFile {

    private KeyFile() {
    }

    static byte[] loadOrCreate(Path file, int bytes) {
        try {
            if (!Files.exists(file)) {
                create(file, bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return load(file, bytes);
    }

    /** The key in the file, or nothing when there is no such file; never creates one. */
    static Optional<byte[]> loadIfPresent(Path file, int bytes) {
        return Files.exists(file) ? Optional.of(load(file, bytes)) : Optional.empty();
    }

    private static byte[] load(Path file, int bytes) {
        try {
            byte[] key = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim());
            if (key.length < bytes) {
                throw new IllegalStateException(file + " holds fewer than " + bytes + " bytes; restore it from a backup");
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + " is not base64; restore it from a backup", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void create(Path file, int bytes) throws IOException {
        byte[] key = new byte[bytes];
        new SecureRandom().nextBytes(key);
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), ".key", ".tmp",
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
}
