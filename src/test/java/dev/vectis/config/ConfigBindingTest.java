package dev.vectis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectis.Vectis;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The keys as the Settings records declare them: types, ranges, names, prefixes and the summary. */
class ConfigBindingTest {

    @TempDir
    Path dir;

    private ConfigLoader.Loaded load(Map<String, String> env) {
        return ConfigLoader.load(Optional.empty(), dir, env);
    }

    private ConfigLoader.Loaded loadYaml(String yaml, Map<String, String> env) throws IOException {
        Files.writeString(dir.resolve("vectis.yaml"), yaml);
        return load(env);
    }

    @Test
    void aValueOfTheWrongTypeNamesItsKey() {
        assertThatThrownBy(() -> loadYaml("jwt:\n  expiry_hours: twelve\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessage("jwt.expiry_hours: \"twelve\" is not a whole number");
        assertThatThrownBy(() -> loadYaml("heartbeat:\n  offline_after_seconds: 1.5\n", Map.of()))
                .hasMessage("heartbeat.offline_after_seconds: \"1.5\" is not a whole number");
        assertThatThrownBy(() -> loadYaml("executor:\n  direct_enabled: 1\n", Map.of()))
                .hasMessage("executor.direct_enabled: \"1\" is not true or false");
        assertThatThrownBy(() -> loadYaml("executor:\n  max_upload_bytes: {a: 1}\n", Map.of()))
                .hasMessage("executor.max_upload_bytes: expected a single value, not a list or map");
        assertThatThrownBy(() -> loadYaml("log:\n  level: [info]\n", Map.of()))
                .hasMessage("log.level: expected a single value, not a list or map");
        assertThatThrownBy(() -> load(Map.of("VECTIS_SERVER_MAX_STREAMS_PER_USER", "many")))
                .hasMessage("server.max_streams_per_user: \"many\" is not a whole number");
        assertThatThrownBy(() -> load(Map.of("VECTIS_HEARTBEAT_INTERVAL_SECONDS", "ten")))
                .hasMessage("heartbeat.interval_seconds: \"ten\" is not a whole number");
        assertThatThrownBy(() -> load(Map.of("PROVIDER_REGISTRY_RATE_LIMIT_LOGIN_REQUESTS_PER_MINUTE", "5/min")))
                .hasMessage("rate_limit.login.requests_per_minute: \"5/min\" is not a whole number");
        assertThatThrownBy(() -> load(Map.of("VECTIS_LOG_LEVEL", "verbose")))
                .hasMessage("log.level: \"verbose\" is not one of trace, debug, info, warn, error");
    }

    @Test
    void aValueOutOfItsRangeNamesItsKey() throws IOException {
        assertThatThrownBy(() -> loadYaml("marketplace:\n  calls_in_all: 513\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessage("marketplace.calls_in_all: 513 is out of range (1-512)");
        assertThatThrownBy(() -> load(Map.of("VECTIS_SERVER_MAX_STREAMS", "0")))
                .hasMessage("server.max_streams: 0 is out of range (1-1000000)");
        assertThatThrownBy(() -> load(Map.of("VECTIS_HEARTBEAT_INTERVAL_SECONDS", "0")))
                .hasMessage("heartbeat.interval_seconds: 0 is out of range (1-3600)");
        assertThatThrownBy(() -> load(Map.of("VECTIS_PROVIDERS_BCRYPT_COST", "31")))
                .hasMessage("providers.bcrypt_cost: 31 is out of range (4-16)");
        assertThatThrownBy(() -> load(Map.of("VECTIS_EXECUTOR_OUTPUT_CAP_BYTES", "2000GiB")))
                .hasMessage("executor.output_cap_bytes: \"2000GiB\" is out of range (1KiB-1TiB)");
        assertThatThrownBy(() -> load(Map.of("VECTIS_SERVER_MIN_REQUEST_BYTES_PER_SECOND", "2GiB")))
                .hasMessageStartingWith("server.min_request_bytes_per_second: \"2GiB\" is out of range");
        // the bounds are inclusive, and a key's default is below a size's usual floor
        assertThat(load(Map.of("VECTIS_MARKETPLACE_CALLS_IN_ALL", "512", "VECTIS_SERVER_MIN_REQUEST_BYTES_PER_SECOND",
                "64")).settings()).satisfies(s -> {
                    assertThat(s.marketplace().callsInAll()).isEqualTo(512);
                    assertThat(s.server().clients().minBytesPerSecond()).isEqualTo(64);
                });
    }

    @Test
    void anUnknownKeySuggestsTheClosestOne() throws IOException {
        assertThatThrownBy(() -> loadYaml("rate_limit:\n  login:\n    brust: 5\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("rate_limit.login.brust: unknown configuration key in ")
                .hasMessageEndingWith("(did you mean rate_limit.login.burst?)");
        assertThatThrownBy(() -> loadYaml("server:\n  max_stream: 5\n", Map.of()))
                .hasMessageEndingWith("(did you mean server.max_streams?)");
        assertThatThrownBy(() -> loadYaml("marketplace:\n  completely_different: 1\n", Map.of()))
                .hasMessageStartingWith("marketplace.completely_different: unknown configuration key")
                .hasMessageNotContaining("did you mean");
        assertThatThrownBy(() -> loadYaml("server: 8080\n", Map.of()))
                .hasMessageStartingWith("server: expected a map of keys");
        Files.delete(dir.resolve("vectis.yaml"));
        assertThatThrownBy(() -> load(Map.of("PROVIDER_REGISTRY_JWT_EXPIRY_HOUR", "2")))
                .hasMessage("PROVIDER_REGISTRY_JWT_EXPIRY_HOUR: unknown configuration variable "
                        + "(did you mean PROVIDER_REGISTRY_JWT_EXPIRY_HOURS?)");
    }

    /** Each key set to its default, through alternate prefixes (an empty variable counts as unset). */
    @Test
    void everyKeyTakesItsValueFromEitherPrefix() {
        Map<String, String> env = new HashMap<>();
        int i = 0;
        for (ConfigKey key : ConfigKeys.ALL.keys()) {
            if (hasValue(key)) {
                String prefix = i++ % 2 == 0 ? ConfigLoader.PREFIX : ConfigLoader.ALIAS_PREFIX;
                env.put(prefix + key.envSuffix(), key.defaultText().get());
            }
        }
        List<String> lines = load(env).values().describe();
        for (ConfigKey key : ConfigKeys.ALL.keys()) {
            String origin = hasValue(key) ? "(env " : "(default)";
            assertThat(lines).filteredOn(l -> l.startsWith(key.path() + " = ")).singleElement().asString()
                    .contains(origin);
        }
        assertThat(env.keySet()).anyMatch(n -> n.startsWith("PROVIDER_REGISTRY_"))
                .anyMatch(n -> n.startsWith("VECTIS_"));
    }

    private static boolean hasValue(ConfigKey key) {
        return key.defaultText().filter(text -> !text.isBlank()).isPresent();
    }

    @Test
    void nestedAndListKeysComeFromTheEnvironment() {
        Settings s = load(Map.of(
                "PROVIDER_REGISTRY_SERVER_MAX_STREAMS_PER_USER", "3",
                "VECTIS_SERVER_HEADER_TIMEOUT_SECONDS", "7",
                "VECTIS_SERVER_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.1",
                "PROVIDER_REGISTRY_SERVER_EXTRA_PORTS", "3000,8000",
                "VECTIS_METRICS_TOKEN", "metrics-secret",
                "VECTIS_HEARTBEAT_INTERVAL_SECONDS", "5")).settings();
        assertThat(s.streams().perUser()).isEqualTo(3);
        assertThat(s.server().clients().headerTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(s.server().trustedProxies()).containsExactly("10.0.0.0/8", "192.168.1.1");
        assertThat(s.server().extraPorts()).containsExactly(3000, 8000);
        assertThat(s.metricsToken()).map(Secret::reveal).contains("metrics-secret");
        assertThat(s.heartbeat().interval()).contains(Duration.ofSeconds(5));
    }

    @Test
    void theSummaryHasOneLinePerKeyWithWhereItsValueCameFrom() throws IOException {
        ConfigLoader.Loaded loaded = loadYaml("""
                server:
                  port: 9090
                  extra_ports: [3000, 8000]
                rate_limit:
                  login:
                    burst: 20
                """, Map.of("VECTIS_LOG_LEVEL", "debug", "PROVIDER_REGISTRY_SERVER_MAX_STREAMS", "7",
                "VECTIS_SERVER_PORT", "9191", "PROVIDER_REGISTRY_SERVER_PORT", "9292"));
        List<String> lines = loaded.values().describe();
        assertThat(lines).hasSize(ConfigKeys.ALL.keys().size()).startsWith("server.host = 0.0.0.0 (default)");
        assertThat(lines).contains(
                "server.port = 9191 (env VECTIS_SERVER_PORT)",
                "server.extra_ports = [3000, 8000] (file)",
                "server.max_streams = 7 (env PROVIDER_REGISTRY_SERVER_MAX_STREAMS)",
                "rate_limit.login.burst = 20 (file)",
                "rate_limit.login.requests_per_minute = 5 (default)",
                "rate_limit.provider.requests_per_minute = (unset) (default)",
                "heartbeat.interval_seconds = (unset) (default)",
                "log.level = debug (env VECTIS_LOG_LEVEL)",
                "data_dir = ./data (default)");
        assertThat(loaded.settings().dataDir()).isEqualTo(dir.resolve("data"));
    }

    @Test
    void theSectionDefaultsAreTheAnnotatedOnes() {
        assertThat(Settings.ClientLimits.DEFAULT).isEqualTo(new Settings.ClientLimits(512, 256, Duration.ofSeconds(10),
                Duration.ofSeconds(60), 256));
        assertThat(Settings.Streams.DEFAULT).isEqualTo(new Settings.Streams(16, 64, 100));
        Settings s = load(Map.of()).settings();
        assertThat(s.server().clients()).isEqualTo(Settings.ClientLimits.DEFAULT);
        assertThat(s.streams()).isEqualTo(Settings.Streams.DEFAULT);
    }

    @Test
    void aConfigurationErrorExitsWithStatus2NamingTheKey() throws IOException {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "server:\n  prot: 80\n");
        StringWriter err = new StringWriter();
        CommandLine cli = Vectis.commandLine(CommandLine.defaultFactory()).setErr(new PrintWriter(err, true));
        assertThat(cli.execute("server", "--config", file.toString())).isEqualTo(Vectis.CONFIG_ERROR).isEqualTo(2);
        assertThat(err.toString()).startsWith("vectis: configuration error: server.prot: unknown configuration key")
                .contains("did you mean server.port?");
    }

    /** The README's table of keys is the operator's list: it names every key the records declare. */
    @Test
    void theReadmeNamesEveryKey() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        for (ConfigKey key : ConfigKeys.ALL.keys()) {
            String documented = key.path().replaceFirst("^rate_limit\\.[a-z_]+\\.", "rate_limit.<policy>.");
            assertThat(readme).as(key.path()).contains("`" + documented + "`");
        }
    }
}
