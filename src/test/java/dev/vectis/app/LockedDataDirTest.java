package dev.vectis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.vectis.config.Settings;
import dev.vectis.db.Database;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second server on a data directory whose embedded database another process holds (this
 * test's JVM here) says so in one line and exits 1, without H2's internals.
 */
class LockedDataDirTest {

    @TempDir
    Path dataDir;

    @Test
    void aSecondServerOnTheSameDataDirectorySaysSoInOneLine() throws Exception {
        try (Database held = Database.open(new Settings.Database(Optional.empty(), Optional.empty(), Optional.empty(),
                2), dataDir, null)) {
            held.migrate();

            Path out = dataDir.resolve("server.out");
            Path err = dataDir.resolve("server.err");
            ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                    System.getProperty("java.class.path"), "dev.vectis.Vectis", "server")
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("VECTIS_"));
            pb.environment().put("VECTIS_DATA_DIR", dataDir.toString());
            pb.environment().put("VECTIS_SERVER_PORT", "0");
            pb.environment().put("VECTIS_SERVER_HOST", "127.0.0.1");
            Process server = pb.start();
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly();
                fail("the second server neither started nor gave up in 60 s:\n" + Files.readString(out)
                        + Files.readString(err));
            }

            String stderr = Files.readString(err);
            String all = Files.readString(out) + stderr;
            assertThat(server.exitValue()).as(all).isEqualTo(1);
            List<String> lines = stderr.lines().toList();
            assertThat(lines).as(all).hasSize(1);
            assertThat(lines.get(0)).isEqualTo("vectis: the data directory " + dataDir.toAbsolutePath()
                    + " is in use by another Vectis process (the embedded database allows one at a time): stop that "
                    + "one first, or point database.url at PostgreSQL to run several nodes");
            assertThat(all).doesNotContain("org.h2", "90020", "2.5.", "Exception", "\tat ");
        }
    }
}
