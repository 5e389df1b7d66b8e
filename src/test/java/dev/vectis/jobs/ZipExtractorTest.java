package dev.vectis.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectis.error.InvalidInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZipExtractorTest {

    @TempDir
    Path tmp;

    @Test
    void extractsFilesAndNestedDirectories() throws Exception {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("top.txt", "top");
        entries.put("empty/", "");
        entries.put("a/b/c.txt", "deep");
        Path target = tmp.resolve("out");

        ZipExtractor.extract(zip(entries), target, 1_000, 10);

        assertThat(target.resolve("top.txt")).hasContent("top");
        assertThat(target.resolve("empty")).isDirectory();
        assertThat(target.resolve("a/b/c.txt")).hasContent("deep");
    }

    @Test
    void refusesZipSlipBeforeWritingAnything() throws Exception {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("fine.txt", "fine");
        entries.put("../evil.txt", "evil");
        Path target = tmp.resolve("out");

        assertRefused(zip(entries), target, 1_000, 10);

        assertThat(tmp.resolve("evil.txt")).doesNotExist();
        assertThat(target.resolve("fine.txt")).doesNotExist();
    }

    @Test
    void refusesAbsoluteAndSneakyPaths() throws Exception {
        Path outside = tmp.resolve("abs.txt");
        for (String name : new String[] {outside.toString(), "a/../../evil.txt", "a/./../../evil.txt"}) {
            assertRefused(zip(Map.of(name, "evil")), tmp.resolve("out"), 1_000, 10);
        }
        assertThat(outside).doesNotExist();
        assertThat(tmp.resolve("evil.txt")).doesNotExist();
    }

    @Test
    void refusesTooManyEntries() throws Exception {
        Map<String, String> entries = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            entries.put("f" + i, "x");
        }
        Path zip = zip(entries);

        assertRefused(zip, tmp.resolve("refused"), 1_000, 4);
        ZipExtractor.extract(zip, tmp.resolve("allowed"), 1_000, 5);
    }

    @Test
    void refusesHighlyCompressibleEntryOverByteLimit() throws Exception {
        Path zip = tmp.resolve("bomb.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("zeros"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 8; i++) {
                out.write(zeros);
            }
        }
        assertThat(Files.size(zip)).isLessThan(100_000);

        assertRefused(zip, tmp.resolve("out"), 1 << 20, 10);
        assertThat(Files.size(tmp.resolve("out/zeros"))).isLessThanOrEqualTo(1 << 20);
    }

    @Test
    void limitCountsAllEntriesTogether() throws Exception {
        Map<String, String> entries = Map.of("a", "x".repeat(600), "b", "y".repeat(600));

        assertRefused(zip(entries), tmp.resolve("out"), 1_000, 10);
    }

    @Test
    void refusesAnEntryThatExpandsMoreThanAHundredfoldPastOneMebibyte() throws Exception {
        Path zip = zipOf("zeros", new byte[2 << 20]);

        assertThatThrownBy(() -> ZipExtractor.extract(zip, tmp.resolve("out"), 1L << 30, 10))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.getMessage()).contains("compressed size").contains("zeros"));
        assertThat(Files.size(tmp.resolve("out/zeros"))).isLessThanOrEqualTo(ZipExtractor.RATIO_FLOOR_BYTES);
    }

    @Test
    void acceptsCompressibleEntriesUnderOneMebibyteAndIncompressibleLargeOnes() throws Exception {
        byte[] random = new byte[3 << 20];
        new java.util.Random(7).nextBytes(random);
        Path target = tmp.resolve("out");

        ZipExtractor.extract(zipOf("zeros", new byte[1 << 20]), target.resolve("a"), 1L << 30, 10);
        ZipExtractor.extract(zipOf("random", random), target.resolve("b"), 1L << 30, 10);

        assertThat(Files.size(target.resolve("a/zeros"))).isEqualTo(1 << 20);
        assertThat(Files.size(target.resolve("b/random"))).isEqualTo(3 << 20);
    }

    @Test
    void aSymlinkEntryBecomesAPlainFile() throws Exception {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("link", "/etc");
        entries.put("after.txt", "ok");
        Path zip = zip(entries);
        markAsUnixSymlink(zip, "link");
        Path target = tmp.resolve("out");

        ZipExtractor.extract(zip, target, 1_000, 10);

        assertThat(Files.isSymbolicLink(target.resolve("link"))).isFalse();
        assertThat(target.resolve("link")).isRegularFile().hasContent("/etc");
        assertThat(target.resolve("after.txt")).hasContent("ok");
    }

    /** Sets "made by Unix" and mode 0120777 (a symlink) in the entry's central directory record, as zip -y does. */
    private static void markAsUnixSymlink(Path zip, String name) throws IOException {
        byte[] b = Files.readAllBytes(zip);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        boolean marked = false;
        for (int i = 0; i + 46 < b.length; i++) {
            if (buf.getInt(i) != 0x02014b50) {
                continue;
            }
            int nameLength = buf.getShort(i + 28) & 0xffff;
            if (new String(b, i + 46, nameLength, StandardCharsets.UTF_8).equals(name)) {
                buf.putShort(i + 4, (short) ((3 << 8) | 20));
                buf.putInt(i + 38, 0120777 << 16);
                marked = true;
            }
        }
        assertThat(marked).isTrue();
        Files.write(zip, b);
    }

    private Path zipOf(String name, byte[] content) throws IOException {
        Path zip = Files.createTempFile(tmp, "bundle", ".zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry(name));
            out.write(content);
        }
        return zip;
    }

    private static void assertRefused(Path zip, Path target, long maxBytes, int maxEntries) {
        assertThatThrownBy(() -> ZipExtractor.extract(zip, target, maxBytes, maxEntries))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("file"));
    }

    private Path zip(Map<String, String> entries) throws IOException {
        Path zip = Files.createTempFile(tmp, "bundle", ".zip");
        try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(file)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
            }
        }
        return zip;
    }
}
