package dev.vectis.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectis.error.InvalidInputException;
import dev.vectis.error.VectisException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundlesTest {

    @TempDir
    Path dir;

    @Test
    void storesZipUnderItsSha256() throws Exception {
        byte[] zip = zip("hello.txt", "hello");
        String name = new Bundles(dir, 1_000_000).store(new ByteArrayInputStream(zip));

        assertThat(name).isEqualTo(sha256(zip) + ".zip");
        assertThat(Files.readAllBytes(dir.resolve(name))).isEqualTo(zip);
    }

    @Test
    void sameContentTwiceIsOneFile() throws Exception {
        Bundles bundles = new Bundles(dir, 1_000_000);
        byte[] zip = zip("a.txt", "same");

        String first = bundles.store(new ByteArrayInputStream(zip));
        String second = bundles.store(new ByteArrayInputStream(zip));

        assertThat(second).isEqualTo(first);
        assertThat(files()).containsExactly(dir.resolve(first));
    }

    @Test
    void createsItsDirectoryWhenFirstNeeded() throws Exception {
        Path nested = dir.resolve("not/yet");
        String name = new Bundles(nested, 1_000_000).store(new ByteArrayInputStream(zip("a", "b")));

        assertThat(nested.resolve(name)).isRegularFile();
    }

    @Test
    void acceptsEmptyZip() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new ZipOutputStream(bytes).close();

        String name = new Bundles(dir, 1_000).store(new ByteArrayInputStream(bytes.toByteArray()));

        assertThat(Bundles.isValidName(name)).isTrue();
    }

    @Test
    void refusesNonZipAndLeavesNothing() throws Exception {
        Bundles bundles = new Bundles(dir, 1_000);
        for (byte[] content : List.of("not a zip".getBytes(StandardCharsets.UTF_8), new byte[0])) {
            assertThatThrownBy(() -> bundles.store(new ByteArrayInputStream(content)))
                    .isInstanceOfSatisfying(InvalidInputException.class,
                            e -> assertThat(e.field()).isEqualTo("file"));
        }
        assertThat(files()).isEmpty();
    }

    @Test
    void refusesOverCapAndLeavesNothing() throws Exception {
        byte[] zip = zip("big.txt", "x".repeat(10_000));
        Bundles bundles = new Bundles(dir, zip.length - 1);

        assertThatThrownBy(() -> bundles.store(new ByteArrayInputStream(zip)))
                .isInstanceOfSatisfying(VectisException.class, e -> {
                    assertThat(e.kind()).isEqualTo(VectisException.Kind.PAYLOAD_TOO_LARGE);
                    assertThat(e.code()).isEqualTo("PAYLOAD_TOO_LARGE");
                    assertThat(e.getMessage()).isEqualTo("The file is larger than " + (zip.length - 1) + " bytes");
                });
        assertThat(files()).isEmpty();
    }

    @Test
    void acceptsExactlyTheCap() throws Exception {
        byte[] zip = zip("a.txt", "fits");

        assertThat(new Bundles(dir, zip.length).store(new ByteArrayInputStream(zip))).endsWith(".zip");
    }

    @Test
    void findsOnlyStoredWellFormedNames() throws Exception {
        Bundles bundles = new Bundles(dir.resolve("bundles"), 1_000_000);
        String name = bundles.store(new ByteArrayInputStream(zip("a.txt", "a")));
        Files.write(dir.resolve("x.zip"), zip("b.txt", "b"));

        assertThat(bundles.find(name)).contains(dir.resolve("bundles").resolve(name));
        assertThat(bundles.find("../x.zip")).isEmpty();
        assertThat(bundles.find(name.toUpperCase().replace(".ZIP", ".zip"))).isEmpty();
        assertThat(bundles.find("0".repeat(64) + ".zip")).isEmpty();
        assertThat(bundles.find(null)).isEmpty();
        assertThat(Bundles.isValidName("../" + name)).isFalse();
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.toList();
        }
    }

    private static byte[] zip(String entry, String content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            out.putNextEntry(new ZipEntry(entry));
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
