package dev.vectis.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretFileTest {

    @TempDir
    Path dir;

    @Test
    void createsSixtyFourLowercaseHexCharactersOwnerOnly() throws Exception {
        Path configDir = dir.resolve("etc/vectis");

        String secret = SecretFile.readOrCreate(configDir, new SecureRandom());

        Path file = configDir.resolve("worker.secret");
        assertThat(secret).matches("[0-9a-f]{64}");
        assertThat(Files.readString(file).strip()).isEqualTo(secret);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var files = Files.list(configDir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void keepsAnExistingSecret() throws Exception {
        Files.writeString(dir.resolve("worker.secret"), "  " + AgentTesting.SECRET + "\n");

        assertThat(SecretFile.readOrCreate(dir, new SecureRandom())).isEqualTo(AgentTesting.SECRET);
        assertThat(SecretFile.readOrCreate(dir, new SecureRandom())).isEqualTo(AgentTesting.SECRET);
    }

    @Test
    void agentsRacingToCreateItShareOneSecret() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<String>> tasks = IntStream.range(0, 8)
                    .<Callable<String>>mapToObj(i -> () -> SecretFile.readOrCreate(dir, new SecureRandom())).toList();
            List<String> secrets = pool.invokeAll(tasks).stream().map(SecretFileTest::get).distinct().toList();

            assertThat(secrets).hasSize(1);
            assertThat(Files.readString(dir.resolve("worker.secret")).strip()).isEqualTo(secrets.get(0));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void refusesAShortSecretAndAMissingOne() throws Exception {
        assertThatThrownBy(() -> SecretFile.read(dir)).isInstanceOf(AgentException.class).hasMessageContaining("missing");
        Files.writeString(dir.resolve("worker.secret"), "short");
        assertThatThrownBy(() -> SecretFile.readOrCreate(dir, new SecureRandom()))
                .isInstanceOf(AgentException.class).hasMessageContaining("fewer than 32");
    }

    private static String get(Future<String> f) {
        try {
            return f.get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
