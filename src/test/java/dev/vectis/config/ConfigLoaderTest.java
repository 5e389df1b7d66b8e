package dev.vectis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Settings load(Map<String, String> env) {
        return ConfigLoader.load(Optional.empty(), dir, env).settings();
    }

    private Settings loadYaml(String yaml, Map<String, String> env) throws IOException {
        Files.writeString(dir.resolve("vectis.yaml"), yaml);
        return load(env);
    }

    @Test
    void defaultsNeedNoConfiguration() {
        Settings s = load(Map.of());
        assertThat(s.server().host()).isEqualTo("0.0.0.0");
        assertThat(s.server().port()).isEqualTo(8080);
        assertThat(s.server().extraPorts()).isEmpty();
        assertThat(s.server().corsAllowedOrigins()).isEmpty();
        assertThat(s.server().maxBodyBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(s.server().shutdownTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(s.dataDir()).isEqualTo(dir.resolve("data"));
        assertThat(s.database().url()).isEmpty();
        assertThat(s.adminToken()).isEmpty();
        assertThat(s.workerTokens()).isEmpty();
        assertThat(s.executor().auth()).isEqualTo(Settings.ExecutorAuth.TOKEN);
        assertThat(s.jwt().secret()).isEmpty();
        assertThat(s.jwt().expiryHours()).isEqualTo(24);
        assertThat(s.rateLimit().enabled()).isTrue();
        assertThat(s.rateLimit().rate(RatePolicy.PROVIDER).perMinute()).isEqualTo(60);
        assertThat(s.heartbeat().offlineAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.heartbeat().interval()).isEmpty();
        assertThat(s.heartbeat().silenceHold()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.log().level()).isEqualTo("info");
        assertThat(s.log().format()).isEqualTo(Settings.LogFormat.TEXT);
    }

    @Test
    void yamlFileInWorkingDirectoryIsRead() throws IOException {
        Settings s = loadYaml("""
                server:
                  host: 127.0.0.1
                  port: 9090
                  extra_ports: [3000, 8000]
                  cors:
                    allowed_origins: ["https://console.example.com"]
                admin_token: from-file-admin-token-0123456789abcdef
                worker_tokens: [alpha, beta]
                jwt:
                  expiry_hours: 12
                rate_limit:
                  enabled: false
                  requests_per_minute: 100
                log:
                  format: json
                """, Map.of());
        assertThat(s.server().host()).isEqualTo("127.0.0.1");
        assertThat(s.server().port()).isEqualTo(9090);
        assertThat(s.server().extraPorts()).containsExactly(3000, 8000);
        assertThat(s.server().corsAllowedOrigins()).containsExactly("https://console.example.com");
        assertThat(s.adminToken()).map(Secret::reveal).contains("from-file-admin-token-0123456789abcdef");
        assertThat(s.workerTokens()).extracting(Secret::reveal).containsExactly("alpha", "beta");
        assertThat(s.jwt().expiryHours()).isEqualTo(12);
        assertThat(s.rateLimit().enabled()).isFalse();
        assertThat(s.rateLimit().rate(RatePolicy.PROVIDER).perMinute()).isEqualTo(100);
        assertThat(s.log().format()).isEqualTo(Settings.LogFormat.JSON);
    }

    @Test
    void explicitConfigFileIsUsedAndMustExist() throws IOException {
        Path file = dir.resolve("other.yaml");
        Files.writeString(file, "server:\n  port: 7000\n");
        assertThat(ConfigLoader.load(Optional.of(Path.of("other.yaml")), dir, Map.of()).settings().server().port())
                .isEqualTo(7000);
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(Path.of("missing.yaml")), dir, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("missing.yaml");
    }

    @Test
    void environmentOverridesTheFile() throws IOException {
        Settings s = loadYaml("server:\n  port: 9090\n", Map.of(
                "VECTIS_SERVER_PORT", "9191",
                "VECTIS_WORKER_TOKENS", "one, two ,three",
                "VECTIS_RATE_LIMIT_REQUESTS_PER_MINUTE", "5",
                "VECTIS_SERVER_CORS_ALLOWED_ORIGINS", "*"));
        assertThat(s.server().port()).isEqualTo(9191);
        assertThat(s.workerTokens()).extracting(Secret::reveal).containsExactly("one", "two", "three");
        assertThat(s.rateLimit().rate(RatePolicy.PROVIDER).perMinute()).isEqualTo(5);
        assertThat(s.server().corsAllowedOrigins()).containsExactly("*");
    }

    @Test
    void providerRegistryPrefixIsAnAliasAndVectisWins() {
        assertThat(load(Map.of("PROVIDER_REGISTRY_SERVER_PORT", "9000")).server().port()).isEqualTo(9000);
        assertThat(load(Map.of("PROVIDER_REGISTRY_SERVER_PORT", "9000", "VECTIS_SERVER_PORT", "9001"))
                .server().port()).isEqualTo(9001);
        assertThat(load(Map.of("PROVIDER_REGISTRY_RATE_LIMIT_ENABLED", "false")).rateLimit().enabled()).isFalse();
    }

    @Test
    void everyRatePolicyHasItsOwnKeysInTheFileAndTheEnvironment() throws IOException {
        Settings defaults = load(Map.of());
        assertThat(defaults.rateLimit().rate(RatePolicy.PROVIDER)).isEqualTo(new Settings.Rate(60, 60));
        assertThat(defaults.rateLimit().rate(RatePolicy.EXECUTOR_WORKER)).isEqualTo(new Settings.Rate(3000, 3000));
        assertThat(defaults.rateLimit().rate(RatePolicy.LOGIN)).isEqualTo(new Settings.Rate(5, 10));

        Settings s = loadYaml("""
                rate_limit:
                  requests_per_minute: 30
                  executor_worker:
                    requests_per_minute: 5000
                    burst: 200
                  login:
                    requests_per_minute: 3
                """, Map.of("VECTIS_RATE_LIMIT_MARKETPLACE_USER_REQUESTS_PER_MINUTE", "7",
                "PROVIDER_REGISTRY_RATE_LIMIT_ANONYMOUS_BURST", "9"));
        assertThat(s.rateLimit().rate(RatePolicy.PROVIDER)).isEqualTo(new Settings.Rate(30, 30));
        assertThat(s.rateLimit().rate(RatePolicy.EXECUTOR_WORKER)).isEqualTo(new Settings.Rate(5000, 200));
        assertThat(s.rateLimit().rate(RatePolicy.LOGIN)).isEqualTo(new Settings.Rate(3, 10));
        assertThat(s.rateLimit().rate(RatePolicy.MARKETPLACE_USER)).isEqualTo(new Settings.Rate(7, 7));
        assertThat(s.rateLimit().rate(RatePolicy.ANONYMOUS)).isEqualTo(new Settings.Rate(60, 9));

        // The provider policy's own key wins over the document's.
        assertThat(load(Map.of("VECTIS_RATE_LIMIT_REQUESTS_PER_MINUTE", "30",
                "VECTIS_RATE_LIMIT_PROVIDER_REQUESTS_PER_MINUTE", "90")).rateLimit().rate(RatePolicy.PROVIDER))
                .isEqualTo(new Settings.Rate(90, 90));
        assertThatThrownBy(() -> load(Map.of("VECTIS_RATE_LIMIT_FLEET_BURST", "0")))
                .hasMessageStartingWith("rate_limit.fleet.burst: 0 is out of range");
        assertThatThrownBy(() -> load(Map.of("VECTIS_RATE_LIMIT_EXECUTOR_WORKERS_BURST", "5")))
                .hasMessageContaining("did you mean VECTIS_RATE_LIMIT_EXECUTOR_WORKER_BURST?");
    }

    @Test
    void emptyVariablesAndTestVariablesAreIgnored() {
        Settings s = load(Map.of("VECTIS_ADMIN_TOKEN", "", "VECTIS_TEST_POSTGRES", "require", "VECTIS_JAVA_OPTS", "-Xmx1g"));
        assertThat(s.adminToken()).isEmpty();
    }

    @Test
    void aHeartbeatIntervalOverAThirdOfTheOfflineWindowStopsStart() {
        assertThatThrownBy(() -> load(Map.of("VECTIS_HEARTBEAT_INTERVAL_SECONDS", "11")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("heartbeat.interval_seconds: must be at most a third of "
                        + "heartbeat.offline_after_seconds (30)");
        Settings s = load(Map.of("VECTIS_HEARTBEAT_INTERVAL_SECONDS", "20", "VECTIS_HEARTBEAT_OFFLINE_AFTER_SECONDS",
                "60", "VECTIS_HEARTBEAT_SILENCE_HOLD_SECONDS", "0"));
        assertThat(s.heartbeat().interval()).contains(Duration.ofSeconds(20));
        assertThat(s.heartbeat().silenceHold()).isZero();
    }

    @Test
    void invalidPortStopsStartNamingTheKey() {
        assertThatThrownBy(() -> load(Map.of("VECTIS_SERVER_PORT", "notaport")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("server.port: \"notaport\" is not a port number");
        assertThatThrownBy(() -> load(Map.of("VECTIS_SERVER_PORT", "70000")))
                .hasMessageStartingWith("server.port: \"70000\" is not a port number");
        assertThatThrownBy(() -> load(Map.of("VECTIS_SERVER_EXTRA_PORTS", "3000,0")))
                .hasMessageStartingWith("server.extra_ports: \"0\" is not a port number");
    }

    @Test
    void everyKindOfBadValueNamesItsKey() throws IOException {
        assertThatThrownBy(() -> load(Map.of("VECTIS_EXECUTOR_AUTH", "maybe")))
                .hasMessage("executor.auth: \"maybe\" is not one of token, none");
        assertThatThrownBy(() -> load(Map.of("VECTIS_RATE_LIMIT_ENABLED", "yes")))
                .hasMessage("rate_limit.enabled: \"yes\" is not true or false");
        assertThatThrownBy(() -> load(Map.of("VECTIS_JWT_EXPIRY_HOURS", "0")))
                .hasMessageStartingWith("jwt.expiry_hours: 0 is out of range");
        assertThatThrownBy(() -> load(Map.of("VECTIS_DATABASE_URL", "jdbc:mysql://x/y")))
                .hasMessageStartingWith("database.url: only jdbc:postgresql: and jdbc:h2:");
        assertThatThrownBy(() -> load(Map.of("VECTIS_SERVER_CORS_ALLOWED_ORIGINS", "https://a.example/path")))
                .hasMessageStartingWith("server.cors.allowed_origins: \"https://a.example/path\" is not an origin");
        assertThatThrownBy(() -> load(Map.of("VECTIS_SERVER_TRUSTED_PROXIES", "proxy.internal")))
                .hasMessageStartingWith("server.trusted_proxies: \"proxy.internal\" is not an IP address");
        assertThatThrownBy(() -> load(Map.of("VECTIS_SERVER_MAX_BODY_BYTES", "lots")))
                .hasMessageStartingWith("server.max_body_bytes:");
        assertThatThrownBy(() -> load(Map.of("VECTIS_LOG_FORMAT", "xml")))
                .hasMessageStartingWith("log.format:");
        assertThatThrownBy(() -> loadYaml("server:\n  port: [1, 2]\n", Map.of()))
                .hasMessageStartingWith("server.port:");
    }

    @Test
    void sizesAcceptUnits() {
        assertThat(load(Map.of("VECTIS_SERVER_MAX_BODY_BYTES", "2MiB")).server().maxBodyBytes()).isEqualTo(2L << 20);
        assertThat(load(Map.of("VECTIS_SERVER_MAX_BODY_BYTES", "4096")).server().maxBodyBytes()).isEqualTo(4096);
    }

    @Test
    void shortJwtSecretStopsStart() {
        assertThatThrownBy(() -> load(Map.of("VECTIS_JWT_SECRET", "too-short")))
                .hasMessageStartingWith("jwt.secret: must be at least 32 bytes");
        assertThat(load(Map.of("VECTIS_JWT_SECRET", "x".repeat(32))).jwt().secret()).isPresent();
    }

    @Test
    void previousJwtSecretsAreAListOfLongSecretsThatNeverShow() throws IOException {
        assertThat(load(Map.of()).jwt().previousSecrets()).isEmpty();
        Settings yaml = loadYaml("jwt:\n  previous_secrets: [\"" + "o".repeat(32) + "\", \"" + "p".repeat(40) + "\"]\n",
                Map.of());
        assertThat(yaml.jwt().previousSecrets()).extracting(Secret::reveal).containsExactly("o".repeat(32),
                "p".repeat(40));
        assertThat(load(Map.of("PROVIDER_REGISTRY_JWT_PREVIOUS_SECRETS", "o".repeat(32) + "," + "p".repeat(32)))
                .jwt().previousSecrets()).hasSize(2);
        assertThatThrownBy(() -> load(Map.of("VECTIS_JWT_PREVIOUS_SECRETS", "o".repeat(32) + ",too-short")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("jwt.previous_secrets: each must be")
                .hasMessageNotContaining("too-short");
        String summary = String.join("\n", ConfigLoader.load(Optional.empty(), dir,
                Map.of("VECTIS_JWT_PREVIOUS_SECRETS", "q".repeat(32))).values().describe());
        assertThat(summary).contains("jwt.previous_secrets = <1 redacted>").doesNotContain("qqqq");
    }

    @Test
    void shortAdminTokenStopsStart() throws IOException {
        assertThatThrownBy(() -> load(Map.of("VECTIS_ADMIN_TOKEN", "a".repeat(31))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("admin_token").hasMessageContaining("32")
                .hasMessageNotContaining("a".repeat(31));
        assertThatThrownBy(() -> loadYaml("admin_token: changeme\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("admin_token")
                .hasMessageNotContaining("changeme");
        assertThat(load(Map.of("VECTIS_ADMIN_TOKEN", "a".repeat(32))).adminToken()).isPresent();
    }

    @Test
    void unknownKeysStopStartWithASuggestion() throws IOException {
        assertThatThrownBy(() -> loadYaml("server:\n  prot: 80\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("server.prot: unknown configuration key")
                .hasMessageContaining("did you mean server.port?");
        Files.delete(dir.resolve("vectis.yaml"));
        assertThatThrownBy(() -> load(Map.of("VECTIS_SERVER_PROT", "80")))
                .hasMessageContaining("VECTIS_SERVER_PROT: unknown configuration variable")
                .hasMessageContaining("VECTIS_SERVER_PORT");
        assertThatThrownBy(() -> load(Map.of("PROVIDER_REGISTRY_NOPE", "1")))
                .hasMessageContaining("PROVIDER_REGISTRY_NOPE: unknown configuration variable");
    }

    @Test
    void malformedYamlNamesTheFile() throws IOException {
        assertThatThrownBy(() -> loadYaml("server: [unclosed\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> loadYaml("- just\n- a list\n", Map.of()))
                .hasMessageContaining("top level must be a map");
    }

    @Test
    void summaryRedactsSecrets() {
        ConfigLoader.Loaded loaded = ConfigLoader.load(Optional.empty(), dir, Map.of(
                "VECTIS_ADMIN_TOKEN", "super-secret-admin-0123456789abcdef",
                "VECTIS_WORKER_TOKENS", "wt-one,wt-two",
                "VECTIS_JWT_SECRET", "j".repeat(40),
                "VECTIS_DATABASE_PASSWORD", "db-pass-123",
                "VECTIS_DATABASE_URL", "jdbc:postgresql://db/vectis?user=v&password=url-pass-9"));
        String summary = String.join("\n", loaded.values().describe());
        assertThat(summary).doesNotContain("super-secret-admin-0123456789abcdef", "wt-one", "jjjj", "db-pass-123",
                "url-pass-9");
        assertThat(summary).contains("admin_token = <redacted> (env VECTIS_ADMIN_TOKEN)",
                "worker_tokens = <2 redacted>", "password=<redacted>", "server.port = 8080 (default)");
        assertThat(loaded.settings().toString()).doesNotContain("super-secret-admin-0123456789abcdef", "db-pass-123");
    }

    @Test
    void listsInYamlMustHoldValues() throws IOException {
        assertThatThrownBy(() -> loadYaml("worker_tokens:\n  - {a: 1}\n", Map.of()))
                .hasMessageStartingWith("worker_tokens:");
        assertThat(loadYaml("worker_tokens: []\n", Map.of()).workerTokens()).isEqualTo(List.of());
    }
}
