package dev.vectis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Where `vectis admin` finds its server and token, and the exit statuses that need no server:
 * usage errors (2), a config file others may read (2), a server that does not answer (3).
 */
class AdminConfigTest {

    /** Nothing listens on port 1 of the loopback address: every call there is refused at once. */
    private static final String NOWHERE = "http://127.0.0.1:1";
    private static final String SECRET = "vectis_tok_do-not-print-me-0123456789";

    @Test
    void aConfigFileOthersCanReadIsRefusedLikeSshDoes() throws IOException {
        Path home = Cli.emptyHome();
        Path file = config(home, "server: " + NOWHERE + "\ntoken: " + SECRET + "\n", "rw-r--r--");
        Cli.Result r = new Cli(Map.of(), home).admin("nodes", "list");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains(file.toString()).contains("accessible by others").contains("chmod 600 " + file);
        assertThat(r.out() + r.err()).doesNotContain(SECRET);

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Cli.Result private600 = new Cli(Map.of(), home).admin("nodes", "list");
        assertThat(private600.exit()).as("the file is used once only its owner can read it: %s", private600)
                .isEqualTo(3);
        assertThat(private600.err()).contains("cannot reach " + NOWHERE);
        assertThat(private600.out() + private600.err()).doesNotContain(SECRET);

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw----r--"));
        assertThat(new Cli(Map.of(), home).admin("nodes", "list").exit()).isEqualTo(2);
    }

    @Test
    void theCommandLineComesBeforeTheEnvironmentWhichComesBeforeTheFile() throws IOException {
        Path home = Cli.emptyHome();
        config(home, "server: http://127.0.0.1:3\ntoken: from-file\n", "rw-------");
        Map<String, String> env = new HashMap<>(Map.of("VECTIS_SERVER", "http://127.0.0.1:2"));
        assertThat(new Cli(env, home).admin("nodes", "list").err()).contains("http://127.0.0.1:2");
        assertThat(new Cli(env, home).admin("--server", NOWHERE, "nodes", "list").err()).contains(NOWHERE);
        assertThat(new Cli(env, home).admin("nodes", "list", "--server", NOWHERE + "/").err())
                .as("options go before or after the subcommand; a trailing slash is dropped").contains(NOWHERE + ":");
        assertThat(new Cli(Map.of(), home).admin("nodes", "list").err()).contains("http://127.0.0.1:3");

        // Both from the environment: the file is not read, so its permissions do not matter.
        config(home, "server: http://127.0.0.1:3\n", "rw-rw-rw-");
        env.put("VECTIS_TOKEN", SECRET);
        Cli.Result r = new Cli(env, home).admin("nodes", "list");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.out() + r.err()).doesNotContain(SECRET);
    }

    @Test
    void missingOrBadSettingsAreUsageErrors() throws IOException {
        Path home = Cli.emptyHome();
        Cli.Result none = new Cli(Map.of(), home).admin("nodes", "list");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("no server").contains("VECTIS_SERVER").contains("admin.yaml");

        Cli.Result noToken = new Cli(Map.of("VECTIS_SERVER", NOWHERE), home).admin("nodes", "list");
        assertThat(noToken.exit()).isEqualTo(2);
        assertThat(noToken.err()).contains("no token").contains("VECTIS_TOKEN");

        Map<String, String> env = Map.of("VECTIS_SERVER", "vectis.example.com:8080", "VECTIS_TOKEN", SECRET);
        Cli.Result badUrl = new Cli(env, home).admin("nodes", "list");
        assertThat(badUrl.exit()).isEqualTo(2);
        assertThat(badUrl.err()).contains("http:// or https://");

        config(home, "server: " + NOWHERE + "\ntoken: " + SECRET + "\nport: 1\n", "rw-------");
        Cli.Result unknownKey = new Cli(Map.of(), home).admin("nodes", "list");
        assertThat(unknownKey.exit()).isEqualTo(2);
        assertThat(unknownKey.err()).contains("unknown key port");

        config(home, "server: [" + NOWHERE + "\ntoken: " + SECRET + "\n", "rw-------");
        Cli.Result notYaml = new Cli(Map.of(), home).admin("nodes", "list");
        assertThat(notYaml.exit()).isEqualTo(2);
        assertThat(notYaml.err()).contains("not valid YAML");
        assertThat(notYaml.out() + notYaml.err()).doesNotContain(SECRET);

        Cli.Result namedMissing = new Cli(Map.of(), home).admin("--config", home.resolve("nope.yaml").toString(),
                "nodes", "list");
        assertThat(namedMissing.exit()).isEqualTo(2);
        assertThat(namedMissing.err()).contains("does not exist");
    }

    @Test
    void usageErrorsExit2BeforeAnythingIsSent() throws IOException {
        Cli cli = new Cli(Map.of("VECTIS_SERVER", NOWHERE, "VECTIS_TOKEN", SECRET), Cli.emptyHome());
        assertThat(cli.admin().exit()).as("no subcommand").isEqualTo(2);
        assertThat(cli.admin("workers").exit()).isEqualTo(2);
        assertThat(cli.admin("nodes", "frobnicate").exit()).isEqualTo(2);
        assertThat(cli.admin("jobs", "cancel").exit()).as("missing id").isEqualTo(2);
        assertThat(cli.admin("jobs", "submit", "--command", "ls").exit()).as("no bundle").isEqualTo(2);
        assertThat(cli.admin("jobs", "submit", "--bundle", "/nonexistent.zip", "--command", "ls").err())
                .contains("cannot read the bundle");
        Cli.Result both = cli.admin("jobs", "submit", "--bundle", "/nonexistent.zip", "--command", "ls",
                "--command-file", "/etc/hostname");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("one of them");
        Path zip = Files.createTempFile("bundle", ".zip");
        Cli.Result labels = cli.admin("jobs", "submit", "--bundle", zip.toString(), "--command", "ls", "--labels", "gpu");
        assertThat(labels.exit()).isEqualTo(2);
        assertThat(labels.err()).contains("key=value");
        assertThat(cli.admin("coins", "adjust", "u_1", "ten", "--reason", "x").exit()).isEqualTo(2);
        assertThat(cli.admin("coins", "adjust", "u_1", "0", "--reason", "x").exit()).isEqualTo(2);
        assertThat(cli.admin("coins", "adjust", "u_1", "10").exit()).as("--reason is required").isEqualTo(2);
        assertThat(cli.admin("providers", "suspend", "p_1").exit()).as("--reason is required").isEqualTo(2);
        assertThat(cli.admin("tokens", "create", "--name", "x").exit()).as("--role is required").isEqualTo(2);
        assertThat(cli.admin("--help").exit()).isZero();
        Cli.Result help = cli.admin("jobs", "logs", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--follow").contains("--server");
        assertThat(cli.admin("--help").out()).contains("Exit status").contains("workers").contains("tokens");
    }

    @Test
    void aServerThatDoesNotAnswerIsExit3() {
        Cli cli = new Cli(Map.of("VECTIS_SERVER", NOWHERE, "VECTIS_TOKEN", SECRET), Cli.emptyHome());
        for (String[] args : new String[][] {{"nodes", "list"}, {"jobs", "list"}, {"workers", "show", "w1"},
                {"tokens", "revoke", "tok_1"}, {"coins", "adjust", "u_1", "-5", "--reason", "refund"}}) {
            Cli.Result r = cli.admin(args);
            assertThat(r.exit()).as(r.toString()).isEqualTo(3);
            assertThat(r.err()).startsWith("vectis admin: ").contains("cannot reach " + NOWHERE);
            assertThat(r.out()).isEmpty();
        }
        Cli.Result coins = cli.admin("coins", "adjust", "u_1", "5", "--reason", "gift");
        assertThat(coins.err()).as("a change that may have been made says how to repeat it safely")
                .contains("--idempotency-key ");
    }

    private static Path config(Path home, String text, String perms) throws IOException {
        Path file = home.resolve(".config/vectis/admin.yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(perms));
        return file;
    }
}
