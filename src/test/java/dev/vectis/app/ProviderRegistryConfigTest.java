package dev.vectis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectis.config.ConfigException;
import dev.vectis.config.ConfigLoader;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * provider-registry.md runs the service as {@code ./provider-registry -config config.yaml}
 * with the YAML of its Configuration section: that command line and that file work here.
 */
class ProviderRegistryConfigTest {

    /** provider-registry.md, "Configuration", verbatim. */
    static final String DOCUMENT_YAML = """
            server:
              host: "0.0.0.0"
              port: 8080
              cors:
                allowed_origins: ["*"]

            jwt:
              secret: "your-secret-key"
              expiry_hours: 24

            rate_limit:
              requests_per_minute: 60
              enabled: true
            """;

    @TempDir
    Path dir;

    @Test
    void theDocumentsSingleDashOptionNamesTheConfigFile() {
        for (String[] args : new String[][] {{"-config", "config.yaml"}, {"--config", "config.yaml"},
                {"-config=config.yaml"}, {"--config=config.yaml"}}) {
            ServerCommand command = new ServerCommand();
            new CommandLine(command).parseArgs(args);
            assertThat(command.config).as(String.join(" ", args)).isEqualTo(Path.of("config.yaml"));
        }
    }

    @Test
    void theDocumentsYamlIsRefusedOnlyForItsShortJwtSecret() throws Exception {
        Path file = Files.writeString(dir.resolve("config.yaml"), DOCUMENT_YAML);

        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(Path.of("config.yaml")), dir, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("jwt.secret: must be at least 32 bytes (256 bits); leave it unset to have one generated")
                .hasMessageNotContaining("your-secret-key");

        // With the environment override the document itself names, the same file loads as written
        ConfigLoader.Loaded loaded = ConfigLoader.load(Optional.of(Path.of("config.yaml")), dir,
                Map.of("PROVIDER_REGISTRY_JWT_SECRET", "k".repeat(40)));
        assertThat(loaded.file()).contains(file);
        assertThat(loaded.settings().server().host()).isEqualTo("0.0.0.0");
        assertThat(loaded.settings().server().port()).isEqualTo(8080);
        assertThat(loaded.settings().server().corsAllowedOrigins()).containsExactly("*");
        assertThat(loaded.settings().jwt().expiryHours()).isEqualTo(24);
        assertThat(loaded.settings().rateLimit().enabled()).isTrue();
        assertThat(loaded.settings().rateLimit().rate(dev.vectis.config.RatePolicy.PROVIDER).perMinute()).isEqualTo(60);
    }

    @DbTest
    void theDocumentsYamlWithASafeSecretStartsTheServer(TestDatabase db) throws Exception {
        Path file = Files.writeString(dir.resolve("config.yaml"),
                DOCUMENT_YAML.replace("\"your-secret-key\"", "\"" + "s".repeat(48) + "\""));
        Map<String, String> env = new HashMap<>(db.env());
        // Port 8080 may be taken on a test machine; host and the rest stay the file's.
        env.put("PROVIDER_REGISTRY_SERVER_PORT", "0");
        env.put("VECTIS_DATA_DIR", dir.resolve("data").toString());
        ConfigLoader.Loaded loaded = ConfigLoader.load(Optional.of(file), dir, env);
        try (Application app = Application.start(loaded.settings(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Clock.systemUTC())) {
            Http http = new Http("http://127.0.0.1:" + app.port());
            Http.Response health = http.get("/api/v1/registration/health", "Origin", "https://anywhere.example");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().get("service").asText()).isEqualTo("provider-registry");
            assertThat(health.header("Access-Control-Allow-Origin")).as("cors.allowed_origins [\"*\"]")
                    .isIn("*", "https://anywhere.example");
        }
    }
}
