package dev.vectis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vectis.config.BuildInfo;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a new user does: run the built jar with no configuration and ask it for /health. */
class ServerJarIT {

    private static final Path JAR = Path.of(System.getProperty("vectis.jar", "target/vectis.jar"));

    @TempDir
    Path dir;

    @DbTest
    void freshDataDirServesHealthPrintsTheAdminTokenAndStopsCleanly(TestDatabase db) throws Exception {
        // H2 here means no database configuration at all: the embedded default.
        Map<String, String> env = db.isPostgres() ? db.env() : Map.of();
        runServer("java", env);
        if (Runtime.version().feature() < 21) {
            assertThat(Files.readString(dir.resolve("stdout.txt"))).contains("handlers run on a pool of up to");
        }
    }

    @Test
    void runsOnANewerJdkWithVirtualThreads() throws Exception {
        Optional<Path> java = newerJava();
        Assumptions.assumeTrue(java.isPresent(), "no JDK 21+ installed; newer-JDK smoke run skipped");
        runServer(java.get().toString(), Map.of());
        assertThat(Files.readString(dir.resolve("stdout.txt"))).contains("handlers run on virtual threads");
    }

    @Test
    void anInvalidPortExitsNonZeroNamingTheKey() throws Exception {
        Process p = start(List.of("java", "-jar", JAR.toString(), "server"), Map.of("VECTIS_SERVER_PORT", "notaport"));
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isNotZero();
        assertThat(Files.readString(dir.resolve("stderr.txt"))).contains("server.port").contains("notaport");
    }

    /** provider-registry.md's own command line and YAML, as its users run them. */
    @DbTest
    void theProviderRegistryCommandLineAndYamlStartTheServer(TestDatabase db) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), ProviderRegistryConfigTest.DOCUMENT_YAML);
        Map<String, String> env = new java.util.HashMap<>(db.isPostgres() ? db.env() : Map.of());
        List<String> command = List.of("java", "-jar", JAR.toString(), "server", "-config", "config.yaml");

        Process refused = start(command, env);
        assertThat(refused.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(refused.exitValue()).isEqualTo(2);
        assertThat(Files.readString(dir.resolve("stderr.txt"))).contains("configuration error: jwt.secret: must be "
                + "at least 32 bytes").doesNotContain("your-secret-key");

        // The document's environment overrides: a safe secret, and a free port instead of 8080
        int port = freePort();
        env.put("PROVIDER_REGISTRY_JWT_SECRET", "p".repeat(48));
        env.put("PROVIDER_REGISTRY_SERVER_PORT", Integer.toString(port));
        Process p = start(command, env);
        try {
            Http http = new Http("http://127.0.0.1:" + port);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> http.get("/health").status() == 200);
            assertThat(http.get("/api/v1/registration/health").json().get("service").asText())
                    .isEqualTo("provider-registry");
            assertThat(Files.readString(dir.resolve("stdout.txt"))).contains("config.yaml");
        } finally {
            p.destroy();
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    @DbTest
    void migrateAppliesTheSchemaAndExits(TestDatabase db) throws Exception {
        Map<String, String> env = db.isPostgres() ? db.env() : Map.of();
        Process p = start(List.of("java", "-jar", JAR.toString(), "migrate"), env);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("stderr.txt"))).isZero();
        assertThat(Files.readString(dir.resolve("stdout.txt"))).contains("Database is up to date.");
        if (!db.isPostgres()) {
            assertThat(dir.resolve("data/vectis.mv.db")).exists();
        }
    }

    @Test
    void launcherScriptRunsTheJar() throws Exception {
        Process p = start(List.of("bash", Path.of("vectis").toAbsolutePath().toString(), "version"), Map.of());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(Files.readString(dir.resolve("stdout.txt"))).startsWith("vectis " + BuildInfo.version());
    }

    private void runServer(String java, Map<String, String> dbEnv) throws Exception {
        int port = freePort();
        Map<String, String> env = new java.util.HashMap<>(dbEnv);
        env.put("VECTIS_SERVER_PORT", Integer.toString(port));
        Process p = start(List.of(java, "-jar", JAR.toString(), "server"), env);
        try {
            Http http = new Http("http://127.0.0.1:" + port);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> http.get("/health").status() == 200);
            assertThat(http.get("/health").json().get("status").asText()).isEqualTo("healthy");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> Files.readString(dir.resolve("stdout.txt")).contains("Admin token: vectis_admin_"));
        } finally {
            p.destroy(); // SIGTERM
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("stdout.txt"))).isZero();
        assertThat(Files.readString(dir.resolve("stdout.txt"))).contains("Stopped");
    }

    /** A child process in a fresh working directory, with no Vectis settings but the given ones. */
    private Process start(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(dir.resolve("stderr.txt").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("VECTIS_") || k.startsWith("PROVIDER_REGISTRY_"));
        pb.environment().putAll(env);
        return pb.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The newest installed Java 21+, found as ./vectis finds it. */
    private static Optional<Path> newerJava() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", Path.of("scripts/find-java.sh").toAbsolutePath().toString(), "--min", "21")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String found = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        return p.waitFor() == 0 && !found.isEmpty() ? Optional.of(Path.of(found)) : Optional.empty();
    }
}
