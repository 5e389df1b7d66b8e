package dev.vectis.jobs;

import dev.vectis.error.InvalidInputException;
import dev.vectis.error.VectisException;
import dev.vectis.error.VectisException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Uploaded ZIP bundles, named by the SHA-256 of their content. The name is the only handle
 * a client ever sees, so identical uploads share one file and a name can never be made to
 * point outside the directory.
 */
public final class Bundles {

    private static final Pattern NAME = Pattern.compile("[0-9a-f]{64}\\.zip");

    private final Path dir;
    private final long maxBytes;

    public Bundles(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
    }

    /** Stores the stream's content and returns its name; refuses oversized or non-ZIP input. */
    public String store(InputStream in) {
        Path temp = null;
        try {
            Files.createDirectories(dir);
            // The temp file lives in the same directory so the final move is a rename.
            temp = Files.createTempFile(dir, "upload-", ".tmp");
            String name = HexFormat.of().formatHex(copyHashing(in, temp)) + ".zip";
            requireZip(temp);
            moveInPlace(temp, dir.resolve(name));
            temp = null;
            return name;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(temp);
        }
    }

    public Optional<Path> find(String name) {
        if (!isValidName(name)) {
            return Optional.empty();
        }
        Path path = dir.resolve(name);
        return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    private byte[] copyHashing(InputStream in, Path temp) throws IOException {
        MessageDigest sha256 = sha256();
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(temp)) {
            for (int n; (n = in.read(buffer)) != -1; ) {
                total += n;
                // Stop at the first byte over the cap rather than reading the whole upload.
                if (total > maxBytes) {
                    throw new VectisException(Kind.PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE",
                            "The file is larger than " + maxBytes + " bytes");
                }
                sha256.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
        }
        return sha256.digest();
    }

    private static void requireZip(Path file) throws IOException {
        // Opening reads the central directory, which is what a worker will need later.
        try (ZipFile ignored = new ZipFile(file.toFile())) {
            // opened: good enough
        } catch (ZipException e) {
            throw new InvalidInputException("file", "file is not a ZIP archive");
        }
    }

    private static void moveInPlace(Path temp, Path target) throws IOException {
        if (Files.exists(target)) {
            Files.delete(temp);
            return;
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            // A concurrent upload of the same content won the race; its file is ours too.
            Files.delete(temp);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static void deleteQuietly(Path path) {
        if (path == null) {
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // A stray temp file is harmless: it never matches a bundle name.
        }
    }
}
