package dev.vectis.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.vectis.testing.DbTest;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/install.sh (fleet-registration.md, "Worker (install.sh)") run with bash against a
 * live server, with every path it writes under a temporary VECTIS_INSTALL_ROOT.
 *
 * <p>The server serves the agent jar at /downloads/vectis.jar only when it runs from a jar. When
 * it cannot (classes run from a directory) the script must fail clearly at that step, after
 * registering, and leave no worker.conf so that a re-run retries; the tests check whichever case
 * holds.
 */
class InstallScriptIT {

    private static final Path SCRIPT = Path.of("scripts/install.sh");
    private static final String IP = "198.51.100.7";
    private static final Pattern WORKER_ID = Pattern.compile("wrk_[A-Za-z0-9_-]+");
    private static final Pattern SUBDOMAIN = Pattern.compile("worker-[a-z0-9]+\\.vectis\\.dev");
    /** The script's own line for a 201 or a re-sync's 200; used when it cannot get as far as worker.conf. */
    private static final Pattern REGISTERED =
            Pattern.compile("(?:registered as|reusing) worker (" + WORKER_ID + ") \\((" + SUBDOMAIN + ")\\)");

    @TempDir
    Path tmp;

    // ------------------------------------------------------------------ install, then again

    @DbTest
    void installsRegistersAndASecondRunChangesNothing(TestDatabase db) throws Exception {
        try (TestApp app = TestApp.start(db)) {
            Path root = tmp.resolve("root");
            Jar served = servedJar(app);

            Run first = install(app, root, TestApp.WORKER_TOKEN, IP);

            String secret = Files.readString(root.resolve("etc/vectis/worker.secret")).trim();
            assertThat(secret).matches("[0-9a-f]{64}");
            assertThat(mode(root.resolve("etc/vectis/worker.secret"))).isEqualTo("rw-------");
            assertThat(first.all()).as("the secret is never printed").doesNotContain(secret);
            assertThat(workers(app)).isEqualTo(1);

            if (!served.ok()) {
                assertFailsClearlyAtTheJar(first, served, root);
                String id = registeredId(first);
                assertThat(workerRows(app, id)).isEqualTo(1);
                // worker.conf is written last, so a re-run retries, and reuses the identity.
                Run retry = install(app, root, TestApp.WORKER_TOKEN, IP);
                assertThat(retry.exit()).isNotZero();
                assertThat(retry.stdout()).contains("reusing worker " + id);
                assertThat(workers(app)).isEqualTo(1);
                return;
            }

            assertThat(first.exit()).as(first.toString()).isZero();
            Map<String, String> conf = assertWorkerConf(root, IP);
            String id = conf.get("WORKER_ID");
            assertThat(workerRows(app, id)).isEqualTo(1);
            assertThat(first.stdout()).contains("registered as worker " + id);

            assertThat(Files.readAllBytes(root.resolve("opt/vectis/vectis.jar")))
                    .as("installed jar equals GET /downloads/vectis.jar").isEqualTo(served.bytes());

            String unit = Files.readString(root.resolve("etc/systemd/system/vectis-agent.service"));
            assertThat(unit)
                    .contains("EnvironmentFile=/etc/vectis/agent.env")
                    .contains("-jar /opt/vectis/vectis.jar agent --server ${VECTIS_URL} --config-dir /etc/vectis")
                    .contains("Restart=always")
                    .contains("User=vectis")
                    .containsPattern("(?m)^ExecStart=\\S*java ");
            Path env = root.resolve("etc/vectis/agent.env");
            assertThat(mode(env)).isEqualTo("rw-------");
            assertThat(Files.readString(env))
                    .contains("VECTIS_URL=\"" + app.http.base() + "\"")
                    .as("the enrolment token is not kept once the machine is registered")
                    .doesNotContain(TestApp.WORKER_TOKEN);
            assertThat(first.stdout()).as("no systemd under a non-/ root: says how to start by hand")
                    .contains("agent --server");
            assertNoLeftoverTempFiles(root);

            Map<String, byte[]> before = snapshot(root);
            byte[] confBefore = Files.readAllBytes(root.resolve("etc/vectis/worker.conf"));

            Run second = install(app, root, TestApp.WORKER_TOKEN, IP);

            assertThat(second.exit()).as(second.toString()).isZero();
            assertThat(second.stdout()).contains("already registered").contains(id);
            assertThat(Files.readAllBytes(root.resolve("etc/vectis/worker.conf"))).isEqualTo(confBefore);
            assertThat(snapshot(root)).as("nothing under the root changed")
                    .containsOnlyKeys(before.keySet().toArray(String[]::new))
                    .allSatisfy((path, bytes) -> assertThat(bytes).as(path).isEqualTo(before.get(path)));
            assertThat(workers(app)).as("no second worker registered").isEqualTo(1);
            assertThat(workerRows(app, id)).isEqualTo(1);
        }
    }

    // ------------------------------------------------------------ worker.conf lost, secret kept

    @DbTest
    void aMachineThatLostWorkerConfButKeptItsSecretGetsItsIdentityBack(TestDatabase db) throws Exception {
        try (TestApp app = TestApp.start(db)) {
            Path root = tmp.resolve("root");
            Jar served = servedJar(app);
            Run first = install(app, root, TestApp.WORKER_TOKEN, IP);
            String id = served.ok() ? assertWorkerConf(root, IP).get("WORKER_ID") : registeredId(first);
            String secret = Files.readString(root.resolve("etc/vectis/worker.secret"));
            Files.deleteIfExists(root.resolve("etc/vectis/worker.conf"));

            Run again = install(app, root, TestApp.WORKER_TOKEN, IP);

            assertThat(again.stdout()).as(again.toString()).contains("reusing worker " + id);
            assertThat(Files.readString(root.resolve("etc/vectis/worker.secret"))).isEqualTo(secret);
            assertThat(again.all()).doesNotContain(secret.trim());
            assertThat(workers(app)).as("the re-sync registers nothing new").isEqualTo(1);
            if (served.ok()) {
                assertThat(again.exit()).as(again.toString()).isZero();
                assertThat(assertWorkerConf(root, IP)).containsEntry("WORKER_ID", id);
            } else {
                assertFailsClearlyAtTheJar(again, served, root);
            }

            // Another machine (another secret) at the same IP is refused with the server's message.
            Run other = install(app, tmp.resolve("other"), TestApp.WORKER_TOKEN, IP);
            assertThat(other.exit()).isNotZero();
            assertThat(other.stderr()).contains("409").contains("A worker with this IP is already registered");
            assertThat(tmp.resolve("other/etc/vectis/worker.conf")).doesNotExist();
            assertThat(workers(app)).isEqualTo(1);
        }
    }

    // ------------------------------------------------------------------- network failure, re-run

    @DbTest
    void aReRunAfterTheRegistrationAnswerWasLostGetsTheSameWorker(TestDatabase db) throws Exception {
        try (TestApp app = TestApp.start(db); LossyProxy network = new LossyProxy(app.http.base(), "/api/v1/workers")) {
            Path root = tmp.resolve("root");
            Jar served = servedJar(app);
            network.loseNext(1);
            Map<String, String> env = Map.of("VECTIS_URL", network.url(), "VECTIS_TOKEN", TestApp.WORKER_TOKEN,
                    "PUBLIC_IP", IP, "VECTIS_INSTALL_ROOT", root.toString());

            Run failed = run(env);
            assertThat(failed.exit()).as(failed.toString()).isNotZero();
            assertThat(failed.stderr()).contains("could not reach").contains("re-run");
            assertThat(root.resolve("etc/vectis/worker.conf")).doesNotExist();
            assertThat(workers(app)).as("the server registered it before the answer was lost").isEqualTo(1);
            String id = app.app().database().jdbi().withHandle(h -> h.createQuery("SELECT id FROM workers")
                    .mapTo(String.class).one());

            Run resync = run(env);

            assertThat(resync.stdout()).as(resync.toString()).contains("reusing worker " + id);
            assertThat(workers(app)).as("nothing new created").isEqualTo(1);
            if (served.ok()) {
                assertThat(resync.exit()).as(resync.toString()).isZero();
                assertThat(assertWorkerConf(root, IP)).containsEntry("WORKER_ID", id);
            } else {
                assertFailsClearlyAtTheJar(resync, served, root);
            }
            String kernelName = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            String stored = app.app().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT hostname FROM workers WHERE id = :id").bind("id", id).mapTo(String.class).one());
            assertThat(stored).as("the script reports this machine's name").isEqualTo(kernelName);
        }
    }

    // ------------------------------------------------------------------- the documented one-liner

    @DbTest
    void theServedScriptIsThisOneAndWorksPipedIntoBash(TestDatabase db) throws Exception {
        try (TestApp app = TestApp.start(db)) {
            var served = app.http.get("/install.sh");
            assertThat(served.status()).isEqualTo(200);
            assertThat(served.body()).isEqualTo(Files.readString(SCRIPT));

            Path root = tmp.resolve("root");
            Jar jar = servedJar(app);
            Run run = run(List.of("bash", "-c", "curl -fsSL \"$VECTIS_URL/install.sh\" | bash"),
                    Map.of("VECTIS_URL", app.http.base(), "VECTIS_TOKEN", TestApp.WORKER_TOKEN, "PUBLIC_IP", IP,
                            "VECTIS_INSTALL_ROOT", root.toString()));

            String id = registeredId(run);
            if (jar.ok()) {
                assertThat(run.exit()).as(run.toString()).isZero();
                assertThat(assertWorkerConf(root, IP)).containsEntry("WORKER_ID", id);
            } else {
                assertFailsClearlyAtTheJar(run, jar, root);
            }
            assertThat(workers(app)).isEqualTo(1);
        }
    }

    // ------------------------------------------------------------------------------ failures

    @DbTest
    void aWrongTokenFailsWith401AndWritesNoWorkerConf(TestDatabase db) throws Exception {
        try (TestApp app = TestApp.start(db)) {
            Path root = tmp.resolve("root");
            Run run = install(app, root, "not-a-valid-token-0123456789abcdef", IP);

            assertThat(run.exit()).isNotZero();
            assertThat(run.stderr()).contains("401").contains("Invalid or missing token");
            assertThat(run.all()).doesNotContain("not-a-valid-token-0123456789abcdef");
            assertThat(root.resolve("etc/vectis/worker.conf")).doesNotExist();
            assertThat(root.resolve("opt/vectis/vectis.jar")).doesNotExist();
            assertThat(workers(app)).isZero();
        }
    }

    @Test
    void missingTokenOrUrlFailsNamingTheVariableAndWritesNothing() throws Exception {
        Path root = tmp.resolve("root");
        Run noToken = run(Map.of("VECTIS_URL", "http://127.0.0.1:9", "PUBLIC_IP", IP,
                "VECTIS_INSTALL_ROOT", root.toString()));
        assertThat(noToken.exit()).isNotZero();
        assertThat(noToken.stderr()).contains("VECTIS_TOKEN");

        Run noUrl = run(Map.of("VECTIS_TOKEN", TestApp.WORKER_TOKEN, "PUBLIC_IP", IP,
                "VECTIS_INSTALL_ROOT", root.toString()));
        assertThat(noUrl.exit()).isNotZero();
        assertThat(noUrl.stderr()).contains("VECTIS_URL");
        assertThat(noUrl.all()).doesNotContain(TestApp.WORKER_TOKEN);

        assertThat(root).doesNotExist();
    }

    @Test
    void anUnreachableServerFailsClearly() throws Exception {
        Path root = tmp.resolve("root");
        Run run = run(Map.of("VECTIS_URL", "http://127.0.0.1:9", "VECTIS_TOKEN", TestApp.WORKER_TOKEN,
                "PUBLIC_IP", IP, "VECTIS_INSTALL_ROOT", root.toString()));
        assertThat(run.exit()).isNotZero();
        assertThat(run.stderr()).contains("could not reach").contains("http://127.0.0.1:9");
        assertThat(root.resolve("etc/vectis/worker.conf")).doesNotExist();
    }

    @Test
    void shellcheckFindsNothing() throws Exception {
        Assumptions.assumeTrue(onPath("shellcheck"), "shellcheck is not on PATH; lint skipped");
        Process p = new ProcessBuilder("shellcheck", SCRIPT.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    // ------------------------------------------------------------------------------ helpers

    private record Run(int exit, String stdout, String stderr) {
        String all() {
            return stdout + stderr;
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private record Jar(int status, byte[] bytes) {
        boolean ok() {
            return status == 200;
        }
    }

    private Run install(TestApp app, Path root, String token, String ip) throws Exception {
        return run(Map.of("VECTIS_URL", app.http.base(), "VECTIS_TOKEN", token, "PUBLIC_IP", ip,
                "VECTIS_INSTALL_ROOT", root.toString()));
    }

    private Run run(Map<String, String> env) throws Exception {
        return run(List.of("bash", SCRIPT.toString()), env);
    }

    private Run run(List<String> command, Map<String, String> env) throws Exception {
        Files.createDirectories(tmp.resolve("logs"));
        File out = Files.createTempFile(tmp.resolve("logs"), "stdout", ".txt").toFile();
        File err = Files.createTempFile(tmp.resolve("logs"), "stderr", ".txt").toFile();
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out).redirectError(err);
        Map<String, String> e = pb.environment();
        // Whatever the developer's shell has set must not leak in.
        for (String name : List.of("VECTIS_URL", "VECTIS_TOKEN", "PUBLIC_IP", "VECTIS_INSTALL_ROOT",
                "VECTIS_IP_DETECT_URL")) {
            e.remove(name);
        }
        e.put("VECTIS_IP_DETECT_URL", "http://127.0.0.1:9/"); // never the internet, even if PUBLIC_IP is unset
        e.put("NO_PROXY", "*");
        e.put("no_proxy", "*");
        e.put("TMPDIR", tmp.toString());
        e.putAll(env);
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("install.sh did not finish in 180 s\n" + Files.readString(out.toPath()) + Files.readString(err.toPath()));
        }
        return new Run(p.exitValue(), Files.readString(out.toPath()), Files.readString(err.toPath()));
    }

    /** What the script will download: GET /downloads/vectis.jar, with the worker token as the script sends it. */
    private static Jar servedJar(TestApp app) throws Exception {
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(
                app.http.request("/downloads/vectis.jar", TestApp.worker()).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return new Jar(r.statusCode(), r.body());
    }

    private static void assertFailsClearlyAtTheJar(Run run, Jar served, Path root) throws IOException {
        assertThat(run.exit()).as(run.toString()).isNotZero();
        assertThat(run.stderr()).contains("/downloads/vectis.jar").contains("HTTP " + served.status());
        assertThat(root.resolve("etc/vectis/worker.conf")).as("written last, so absent").doesNotExist();
        assertThat(root.resolve("opt/vectis/vectis.jar")).doesNotExist();
        assertNoLeftoverTempFiles(root);
    }

    private static String registeredId(Run run) {
        Matcher m = REGISTERED.matcher(run.stdout());
        assertThat(m.find()).as("a registered-as line in\n" + run).isTrue();
        return m.group(1);
    }

    /** worker.conf is exactly the spec's four lines, mode 0600. */
    private static Map<String, String> assertWorkerConf(Path root, String ip) throws IOException {
        Path file = root.resolve("etc/vectis/worker.conf");
        assertThat(file).exists();
        assertThat(mode(file)).isEqualTo("rw-------");
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).matches("WORKER_ID=" + WORKER_ID);
        assertThat(lines.get(1)).matches("SUBDOMAIN=" + SUBDOMAIN);
        assertThat(lines.get(2)).isEqualTo("PUBLIC_IP=" + ip);
        assertThat(lines.get(3)).isEqualTo("SYNC_STATUS=synced");
        Map<String, String> conf = new TreeMap<>();
        for (String line : lines) {
            conf.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        return conf;
    }

    private static void assertNoLeftoverTempFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")))
                    .as("temporary files left behind").isEmpty();
        }
    }

    private static long workers(TestApp app) {
        return app.app().database().jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM workers").mapTo(Long.class).one());
    }

    private static long workerRows(TestApp app, String id) {
        return app.app().database().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM workers WHERE id = :id")
                .bind("id", id).mapTo(Long.class).one());
    }

    private static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    /** Every regular file under root, by relative path. */
    private static Map<String, byte[]> snapshot(Path root) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return files;
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        List<Path> dirs = new ArrayList<>();
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                dirs.add(Path.of(dir));
            }
        }
        return dirs.stream().anyMatch(d -> Files.isExecutable(d.resolve(command)));
    }
}
