package dev.vectis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectis.sessions.ProvisionRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** marketplace.*: the default log rules of products, the timeout action and the stop retry ceiling. */
class MarketplaceConfigTest {

    @TempDir
    Path dir;

    private Settings.Marketplace load(Map<String, String> env) {
        return ConfigLoader.load(Optional.empty(), dir, env).settings().marketplace();
    }

    @Test
    void theDefaultsRecogniseTheCommonFormsAndRefundAtTheTimeout() {
        Settings.Marketplace m = load(Map.of());
        assertThat(m.readyPatterns()).isEqualTo(ProvisionRules.DEFAULT_READY);
        assertThat(m.failurePatterns()).isEqualTo(ProvisionRules.DEFAULT_FAILURE);
        assertThat(m.redactPatterns()).isEqualTo(ProvisionRules.DEFAULT_REDACT);
        assertThat(m.onProvisionTimeout()).isEqualTo("refund");
        assertThat(m.stopRetryMax()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void patternsComeFromAYamlListOrOnePerLineOfAVariable() throws IOException {
        Files.writeString(dir.resolve("vectis.yaml"), """
                marketplace:
                  ready_patterns: ['^VM is ready', 'RDP: \\S+/\\S{1,64}']
                  redact_patterns: []
                  on_provision_timeout: keep
                  stop_retry_max_seconds: 60
                """);
        Settings.Marketplace m = load(Map.of("VECTIS_MARKETPLACE_FAILURE_PATTERNS", "^Error,? \n^FATAL{1,2}\n"));
        assertThat(m.readyPatterns()).containsExactly("^VM is ready", "RDP: \\S+/\\S{1,64}");
        assertThat(m.failurePatterns()).as("commas belong to the pattern").containsExactly("^Error,? ", "^FATAL{1,2}");
        assertThat(m.redactPatterns()).isEmpty();
        assertThat(m.onProvisionTimeout()).isEqualTo("keep");
        assertThat(m.stopRetryMax()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void aBadPatternStopsStartUpNamingTheKeyAndTheEntry() {
        assertThatThrownBy(() -> load(Map.of("VECTIS_MARKETPLACE_READY_PATTERNS", "^ok\n(unclosed")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("marketplace.ready_patterns").hasMessageContaining("[1]")
                .hasMessageContaining("not a valid regular expression");
        assertThatThrownBy(() -> load(Map.of("VECTIS_MARKETPLACE_REDACT_PATTERNS", ".*")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("marketplace.redact_patterns");
        assertThatThrownBy(() -> load(Map.of("VECTIS_MARKETPLACE_ON_PROVISION_TIMEOUT", "explode")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("marketplace.on_provision_timeout");
        assertThatThrownBy(() -> load(Map.of("VECTIS_MARKETPLACE_STOP_RETRY_MAX_SECONDS", "1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("marketplace.stop_retry_max_seconds");
    }
}
