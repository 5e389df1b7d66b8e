package dev.vectis.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which java {@code ./vectis} runs on (scripts/find-java.sh), among fake JDKs whose
 * {@code bin/java} only prints a version line: no JVM is started.
 */
class FindJavaTest {

    private static final Path SCRIPT = Path.of("scripts/find-java.sh").toAbsolutePath();
    private static final String WARNING = "vectis: warning: on Java ";

    @TempDir
    Path dir;

    record Run(int exit, String chosen, List<String> said) {

        List<String> warnings() {
            return said.stream().filter(l -> l.startsWith("vectis: warning:")).toList();
        }
    }

    @Test
    void javaHomeWinsWhenItIs21OrNewer() throws Exception {
        Path home = jdk("home-21", "21.0.2");
        jdk("jvm/temurin-25", "25.0.1");
        Run run = find(Map.of("JAVA_HOME", home.toString()));
        assertThat(run.chosen()).isEqualTo(home + "/bin/java");
        assertThat(run.said()).containsExactly("vectis: using Java 21 at " + home + "/bin/java (JAVA_HOME)");
    }

    @Test
    void theNewestInstalled21OrNewerBeatsAJavaHomeOn17() throws Exception {
        Path home = jdk("home-17", "17.0.15");
        jdk("jvm/java-11", "11.0.20");
        jdk("jvm/java-21", "21.0.5");
        Path newest = jdk("jvm/temurin-25", "25");
        jdk("jvm/java-17", "17.0.15");
        Run run = find(Map.of("JAVA_HOME", home.toString()));
        assertThat(run.chosen()).isEqualTo(newest + "/bin/java");
        assertThat(run.said()).containsExactly(
                "vectis: using Java 25 at " + newest + "/bin/java (the newest installed Java 21+)");
    }

    @Test
    void onlyJava17RunsWithOneWarning() throws Exception {
        Path home = jdk("home-17", "17.0.15");
        jdk("jvm/java-17", "17.0.9");
        jdk("jvm/java-8", "1.8.0_392");
        Run run = find(Map.of("JAVA_HOME", home.toString()));
        assertThat(run.exit()).isZero();
        assertThat(run.chosen()).isEqualTo(home + "/bin/java");
        assertThat(run.said()).hasSize(2).first().isEqualTo("vectis: using Java 17 at " + home + "/bin/java (JAVA_HOME)");
        assertThat(run.warnings()).singleElement().asString().startsWith(WARNING + "17 ")
                .contains("200 platform threads").contains("virtual threads");
    }

    @Test
    void withoutJavaHomeTheJavaOnPathRuns() throws Exception {
        Path onPath = jdk("path-jdk", "17.0.2");
        Run run = find(Map.of("PATH", onPath.resolve("bin").toString()));
        assertThat(run.chosen()).isEqualTo(onPath + "/bin/java");
        assertThat(run.said().get(0)).isEqualTo("vectis: using Java 17 at " + onPath + "/bin/java (PATH)");
        assertThat(run.warnings()).hasSize(1);
    }

    @Test
    void vectisJavaOverridesEverything() throws Exception {
        Path chosen = jdk("mine", "17.0.1");
        Path home = jdk("home-21", "21");
        jdk("jvm/temurin-25", "25.0.1");
        Run run = find(Map.of("JAVA_HOME", home.toString(), "VECTIS_JAVA", chosen.toString()));
        assertThat(run.chosen()).isEqualTo(chosen + "/bin/java");
        assertThat(run.said().get(0)).endsWith("(VECTIS_JAVA)");
        assertThat(run.warnings()).hasSize(1);
    }

    @Test
    void theReleaseFileIsReadWithoutStartingJava() throws Exception {
        Path home = jdk("jvm/broken-but-24", "1.0-never-read");
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"24.0.1\"\n");
        Files.writeString(home.resolve("bin/java"), "#!/bin/sh\nexit 1\n");
        Run run = find(Map.of());
        assertThat(run.chosen()).isEqualTo(home + "/bin/java");
        assertThat(run.said()).containsExactly(
                "vectis: using Java 24 at " + home + "/bin/java (the newest installed Java 21+)");
    }

    @Test
    void aMinimumFindsOnlyNewerJavasAndSaysWhenThereIsNone() throws Exception {
        Path home = jdk("home-17", "17.0.15");
        Run none = find(Map.of("JAVA_HOME", home.toString()), "--min", "21");
        assertThat(none.exit()).isEqualTo(3);
        assertThat(none.chosen()).isEmpty();
        assertThat(none.said()).singleElement().asString().startsWith("vectis: no Java 21 or newer");

        Path newest = jdk("jvm/temurin-25", "25.0.1");
        Run found = find(Map.of("JAVA_HOME", home.toString()), "--min", "21");
        assertThat(found.exit()).isZero();
        assertThat(found.chosen()).isEqualTo(newest + "/bin/java");
    }

    @Test
    void noJavaOrOneOlderThan17IsRefused() throws Exception {
        Run none = find(Map.of());
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.chosen()).isEmpty();
        assertThat(none.said()).singleElement().asString().startsWith("vectis: error: no java found");

        Path old = jdk("home-11", "11.0.20");
        Run tooOld = find(Map.of("JAVA_HOME", old.toString()));
        assertThat(tooOld.exit()).isEqualTo(1);
        assertThat(tooOld.said()).singleElement().asString().contains("Java 11").contains("needs Java 17 or newer");
    }

    /** A fake JDK home under the test directory whose java prints {@code -version}'s first line. */
    private Path jdk(String name, String version) throws IOException {
        Path home = dir.resolve(name);
        Path java = home.resolve("bin/java");
        Files.createDirectories(java.getParent());
        Files.writeString(java, "#!/bin/sh\necho 'openjdk version \"" + version + "\" 2024-01-16' >&2\n"
                + "echo 'OpenJDK Runtime Environment (build " + version + ")' >&2\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return home;
    }

    /**
     * Runs the script with only the given environment; the install locations searched are
     * this test's {@code jvm/*}, and PATH holds no java unless the test puts one there.
     */
    private Run find(Map<String, String> env, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("/bin/bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile());
        Map<String, String> environment = new HashMap<>();
        environment.put("PATH", dir.resolve("no-java-here").toString());
        environment.put("HOME", dir.toString());
        environment.put("VECTIS_JVM_DIRS", dir.resolve("jvm") + "/*");
        environment.putAll(env);
        pb.environment().clear();
        pb.environment().putAll(environment);
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(dir.resolve("out"), StandardCharsets.UTF_8).strip();
        return new Run(p.exitValue(), out, Files.readAllLines(dir.resolve("err")));
    }
}
