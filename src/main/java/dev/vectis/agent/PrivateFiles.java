package dev.vectis.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files only the agent's user may read (mode 0600), written whole or not at all: the content
 * goes to a private temporary file first, so no reader ever sees a half-written or
 * world-readable version.
 */
final class PrivateFiles {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    /** Creates or replaces {@code file}. */
    static void replace(Path file, String content) throws IOException {
        Path tmp = temporary(file, content);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Creates {@code file} unless it exists: a hard link cannot replace anything, so two agents
     * (or the install script) racing to create it end up sharing the first one written.
     *
     * @throws FileAlreadyExistsException when it already exists (content unchanged)
     */
    static void create(Path file, String content) throws IOException {
        Path tmp = temporary(file, content);
        try {
            Files.createLink(file, tmp);
        } catch (UnsupportedOperationException e) {
            // No hard links on this file system: rename, after checking (a narrow race, but still atomic content).
            if (Files.exists(file)) {
                throw new FileAlreadyExistsException(file.toString());
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static boolean ownerOnly(Path file) throws IOException {
        try {
            return OWNER_ONLY.containsAll(Files.getPosixFilePermissions(file));
        } catch (UnsupportedOperationException e) {
            return true;
        }
    }

    private static Path temporary(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir, posix(dir, "rwx------"));
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", posix(dir, "rw-------"));
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        return tmp;
    }

    private static FileAttribute<?>[] posix(Path dir, String mode) {
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode))}
                : new FileAttribute<?>[0];
    }
}
