package dev.vectis.jobs;

import dev.vectis.error.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Unpacks an untrusted ZIP. Every entry name is checked before anything is written, so a
 * zip-slip archive leaves no trace. Sizes are counted as bytes are written because headers
 * can claim anything. An entry that expands past {@value #MAX_RATIO} times its compressed size
 * (once over {@value #RATIO_FLOOR_BYTES} bytes) is refused as a zip bomb, long before the
 * total limit would stop it. Only regular files and directories are created, with default
 * permissions: a symlink entry becomes a file holding the link text, so a ZIP cannot plant a
 * link that a later entry (or a command) writes through; executable bits are not restored.
 *
 * <p>When the byte limit is hit part way, {@code target} holds partial content; the caller
 * owns {@code target} and deletes it.
 */
public final class ZipExtractor {

    static final int MAX_RATIO = 100;
    static final long RATIO_FLOOR_BYTES = 1L << 20;

    private ZipExtractor() {
    }

    public static void extract(Path zip, Path target, long maxTotalBytes, int maxEntries) {
        Path root = target.toAbsolutePath().normalize();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            List<Planned> plan = plan(file, root, maxEntries);
            Files.createDirectories(root);
            long[] written = {0};
            for (Planned p : plan) {
                write(file, p, written, maxTotalBytes);
            }
        } catch (ZipException e) {
            throw new InvalidInputException("file", "file is not a readable ZIP archive");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Planned(ZipEntry entry, Path path) {
    }

    private static List<Planned> plan(ZipFile file, Path root, int maxEntries) {
        List<Planned> plan = new ArrayList<>();
        Enumeration<? extends ZipEntry> entries = file.entries();
        while (entries.hasMoreElements()) {
            ZipEntry entry = entries.nextElement();
            if (plan.size() == maxEntries) {
                throw new InvalidInputException("file", "archive has more than " + maxEntries + " entries");
            }
            Path path = resolveInside(root, entry.getName());
            if (path.equals(root) && !entry.isDirectory()) {
                throw new InvalidInputException("file", "archive entry has no file name: " + entry.getName());
            }
            plan.add(new Planned(entry, path));
        }
        return plan;
    }

    private static Path resolveInside(Path root, String name) {
        try {
            Path path = root.resolve(name).normalize();
            if (path.startsWith(root)) {
                return path;
            }
        } catch (InvalidPathException e) {
            // falls through to the refusal: a name the file system cannot hold
        }
        throw new InvalidInputException("file", "archive entry has an unsafe path: " + name);
    }

    private static void write(ZipFile file, Planned p, long[] written, long max) throws IOException {
        try {
            writeEntry(file, p, written, max);
        } catch (FileAlreadyExistsException e) {
            // Overwriting would let a later entry replace an earlier one unseen.
            throw new InvalidInputException("file", "archive has conflicting entries at: " + p.entry().getName());
        }
    }

    private static void writeEntry(ZipFile file, Planned p, long[] written, long max) throws IOException {
        if (p.entry().isDirectory()) {
            Files.createDirectories(p.path());
            return;
        }
        Files.createDirectories(p.path().getParent());
        byte[] buffer = new byte[64 * 1024];
        // The central directory's figure; a lie only makes the total limit the one that stops it.
        long compressed = Math.max(0, p.entry().getCompressedSize());
        long entryBytes = 0;
        try (InputStream in = file.getInputStream(p.entry());
             OutputStream out = Files.newOutputStream(p.path(), StandardOpenOption.CREATE_NEW)) {
            for (int n; (n = in.read(buffer)) != -1; ) {
                written[0] += n;
                entryBytes += n;
                if (written[0] > max) {
                    throw new InvalidInputException("file", "archive expands to more than " + max + " bytes");
                }
                if (entryBytes > RATIO_FLOOR_BYTES && entryBytes > compressed * MAX_RATIO) {
                    throw new InvalidInputException("file", "archive entry expands more than " + MAX_RATIO
                            + " times its compressed size (a zip bomb?): " + p.entry().getName());
                }
                out.write(buffer, 0, n);
            }
        }
    }
}
