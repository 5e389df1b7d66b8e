package dev.vectis.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectis.config.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtKeyTest {

    @TempDir
    Path dir;

    @Test
    void generatedKeyIs256BitsPrivateAndStable() throws Exception {
        byte[] first = JwtKey.resolve(Optional.empty(), dir).bytes();
        assertThat(first).hasSize(32);
        Path file = dir.resolve(JwtKey.FILE);
        assertThat(Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(JwtKey.resolve(Optional.empty(), dir).bytes()).isEqualTo(first);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(JwtKey.FILE);
        }
    }

    @Test
    void configuredSecretIsUsedAndNothingWritten() throws Exception {
        String secret = "s".repeat(40);
        assertThat(JwtKey.resolve(Optional.of(new Secret(secret)), dir).bytes()).isEqualTo(secret.getBytes());
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aDamagedKeyFileStopsStartInsteadOfBeingReplaced() throws Exception {
        Files.writeString(dir.resolve(JwtKey.FILE), "c2hvcnQ=\n");
        assertThatThrownBy(() -> JwtKey.resolve(Optional.empty(), dir)).hasMessageContaining("fewer than 32 bytes");
        Files.writeString(dir.resolve(JwtKey.FILE), "not base64 !!!\n");
        assertThatThrownBy(() -> JwtKey.resolve(Optional.empty(), dir)).hasMessageContaining("not base64");
    }

    @Test
    void previousKeysComeFromTheConfigurationAndFromARenamedKeyFile() throws Exception {
        byte[] generated = JwtKey.resolve(Optional.empty(), dir).bytes();
        assertThat(JwtKey.resolve(Optional.empty(), dir).previous()).isEmpty();

        // the documented rotation of a generated key: rename it, start again
        Files.move(dir.resolve(JwtKey.FILE), dir.resolve(JwtKey.PREVIOUS_FILE));
        JwtKey rotated = JwtKey.resolve(Optional.empty(), List.of(new Secret("p".repeat(32))), dir);
        assertThat(rotated.bytes()).hasSize(32).isNotEqualTo(generated);
        assertThat(rotated.previous()).containsExactly("p".repeat(32).getBytes(), generated);
        assertThat(Files.exists(dir.resolve(JwtKey.FILE))).isTrue();

        Files.writeString(dir.resolve(JwtKey.PREVIOUS_FILE), "c2hvcnQ=\n");
        assertThatThrownBy(() -> JwtKey.resolve(Optional.empty(), dir)).hasMessageContaining("fewer than 32 bytes");
    }
}
