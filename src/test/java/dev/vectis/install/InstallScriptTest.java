package dev.vectis.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/install.sh without a server: its syntax, and whole runs in a bare environment (no
 * HOME, no USER, nothing but PATH and its own variables) against a stand-in curl, so a
 * variable used before it is set stops it under its own {@code set -u}. InstallScriptIT runs
 * it against a live server.
 */
class InstallScriptTest {

    private static final Path SCRIPT = Path.of("scripts/install.sh");
    private static final String TOKEN = "install-test-token-0123456789abcdef";

    /** Answers as the server would, records its arguments, and never sees the token on its command line. */
    private static final String FAKE_CURL = """
            #!/bin/bash
            printf '%s\\n' "$*" >>"$FAKE_LOG"
            out=/dev/stdout
            url=""
            while [[ $# -gt 0 ]]; do
                case "$1" in
                    -o) out="$2"; shift 2 ;;
                    -w|-H|-X|--max-time|--data-binary) shift 2 ;;
                    -*) shift ;;
                    *) url="$1"; shift ;;
                esac
            done
            case "$url" in
                */api/v1/workers)
                    printf '{"id":"wrk_fake1","subdomain":"worker-abc123.vectis.dev","ip":"198.51.100.7"}' >"$out"
                    printf '%s' "${FAKE_REGISTER_STATUS:-201}" ;;
                */downloads/vectis.jar)
                    printf 'PK\\003\\004not-really-a-jar' >"$out"
                    printf '200' ;;
                *) exit 7 ;;
            esac
            """;

    @TempDir
    Path tmp;

    @Test
    void itIsValidBash() throws Exception {
        Run run = run(List.of("bash", "-n", SCRIPT.toString()), Map.of());
        assertThat(run.exit()).as(run.toString()).isZero();
    }

    @Test
    void aWholeRunInABareEnvironmentUsesNoUnsetVariableAndKeepsNoToken() throws Exception {
        Path root = tmp.resolve("root");

        Run run = install(root, Map.of());

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.stderr()).doesNotContain("unbound variable");
        assertThat(Files.readString(root.resolve("etc/vectis/worker.conf"))).startsWith("WORKER_ID=wrk_fake1\n");
        String env = Files.readString(root.resolve("etc/vectis/agent.env"));
        assertThat(env).contains("VECTIS_URL=\"http://vectis.test\"").doesNotContain("VECTIS_TOKEN");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1)).as(f.toString())
                        .doesNotContain(TOKEN);
            }
        }
        assertThat(Files.readString(tmp.resolve("curl.log"))).as("never on a command line").doesNotContain(TOKEN);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("var/lib/vectis"))))
                .isEqualTo("rwx------");

        String unit = Files.readString(root.resolve("etc/systemd/system/vectis-agent.service"));
        assertThat(unit).contains("User=vectis", "Group=vectis",
                "--config-dir /etc/vectis --state-dir /var/lib/vectis", "NoNewPrivileges=yes",
                "ProtectSystem=strict", "ReadWritePaths=/var/lib/vectis", "ProtectHome=yes", "PrivateTmp=yes",
                "CapabilityBoundingSet=\n");
        assertThat(run.stdout()).contains("no user is created").contains("--state-dir");
        assertNoTemporaryFilesLeft(root);
    }

    @Test
    void aFailureAfterTheTemporaryFilesExistCleansThemUp() throws Exception {
        Path root = tmp.resolve("root");

        Run run = install(root, Map.of("FAKE_REGISTER_STATUS", "500"));

        assertThat(run.exit()).as(run.toString()).isNotZero();
        assertThat(run.stderr()).contains("registration failed (HTTP 500)").doesNotContain("unbound variable");
        assertThat(root.resolve("etc/vectis/worker.conf")).doesNotExist();
        assertNoTemporaryFilesLeft(root);
    }

    @Test
    void theAgentsUserIsCreatedWhenMissingWithItsOwnGroupOrTheOneThatExists() throws Exception {
        assertThat(ensureUser(false)).isEqualTo("--system --user-group --home-dir /var/lib/vectis --no-create-home "
                + "--shell " + (Files.isExecutable(Path.of("/usr/sbin/nologin")) ? "/usr/sbin/nologin" : "/sbin/nologin")
                + " vectis");
        assertThat(ensureUser(true)).startsWith("--system --gid=vectis --home-dir /var/lib/vectis ");
    }

    /** Runs the script's ensure_user with stand-ins for id, getent and useradd; what useradd was given. */
    private String ensureUser(boolean groupExists) throws Exception {
        Path bin = tmp.resolve(groupExists ? "bin-group" : "bin-nogroup");
        Files.createDirectories(bin);
        Path log = bin.resolve("useradd.log");
        script(bin.resolve("id"), "exit 1");
        script(bin.resolve("getent"), groupExists ? "exit 0" : "exit 2");
        script(bin.resolve("useradd"), "printf '%s' \"$*\" >" + log);
        // Everything but the last line, which runs main.
        Run run = run(List.of("bash", "-c", "set -euo pipefail; source <(sed '$d' " + SCRIPT + "); ensure_user"),
                Map.of("PATH", bin + File.pathSeparator + "/usr/bin:/bin"));
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.stdout()).contains("created the system user vectis");
        return Files.readString(log);
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        file.toFile().setExecutable(true);
    }

    private void assertNoTemporaryFilesLeft(Path root) throws IOException {
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("the token's header file is gone")
                    .noneMatch(n -> n.startsWith("vectis-install."));
        }
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }
    }

    private Run install(Path root, Map<String, String> extra) throws Exception {
        Path bin = tmp.resolve("bin");
        Files.createDirectories(bin);
        Path curl = bin.resolve("curl");
        Files.writeString(curl, FAKE_CURL);
        curl.toFile().setExecutable(true);
        Map<String, String> env = new java.util.HashMap<>(Map.of("PATH", bin + File.pathSeparator + "/usr/bin:/bin",
                "VECTIS_URL", "http://vectis.test/", "VECTIS_TOKEN", TOKEN, "PUBLIC_IP", "198.51.100.7",
                "VECTIS_INSTALL_ROOT", root.toString(), "TMPDIR", tmp.toString(),
                "FAKE_LOG", tmp.resolve("curl.log").toString()));
        env.putAll(extra);
        return run(List.of("bash", SCRIPT.toString()), env);
    }

    private Run run(List<String> command, Map<String, String> env) throws Exception {
        File out = tmp.resolve("stdout.txt").toFile();
        File err = tmp.resolve("stderr.txt").toFile();
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out).redirectError(err);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("install.sh did not finish in 60 s");
        }
        return new Run(p.exitValue(), Files.readString(out.toPath()), Files.readString(err.toPath()));
    }

    private record Run(int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }
}
