package dev.vectis.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShellRunnerTest {

    private static final Duration LONG = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final Sink sink = new Sink();

    @Test
    void cancelStopsTheShellAndItsChildren() throws Exception {
        ShellRunner.Run run = runner(Duration.ofSeconds(10)).start(dir, "sleep 60 & echo $!\nsleep 60", LONG, sink);
        await().atMost(Duration.ofSeconds(10)).until(() -> !sink.text("stdout").isBlank());
        long child = Long.parseLong(sink.text("stdout").trim());
        List<Long> tree = descendants(run.pid());
        assertThat(tree).contains(child);

        long started = System.nanoTime();
        run.cancel();
        ShellRunner.Result result = run.await();

        assertThat(result).isEqualTo(new ShellRunner.Result(-1, false, true, false));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(gone(run.pid())).isTrue();
        for (long pid : tree) {
            assertThat(gone(pid)).as("descendant %d gone", pid).isTrue();
        }
    }

    @Test
    void cancelFromAnotherThreadWhileAwaiting() throws Exception {
        ShellRunner.Run run = runner(Duration.ofSeconds(10)).start(dir, "echo up; sleep 60", LONG, sink);
        CompletableFuture<ShellRunner.Result> result = CompletableFuture.supplyAsync(run::await);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.text("stdout").equals("up\n"));

        run.cancel();

        assertThat(result.get().cancelled()).isTrue();
        assertThat(gone(run.pid())).isTrue();
    }

    @Test
    void aTreeThatIgnoresSigtermIsKilledAfterTheGrace() throws Exception {
        Duration grace = Duration.ofSeconds(1);
        ShellRunner.Run run = runner(grace).start(dir, "trap '' TERM\necho ready\nsleep 60", LONG, sink);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.text("stdout").equals("ready\n"));
        List<Long> tree = descendants(run.pid());

        long started = System.nanoTime();
        run.cancel();
        ShellRunner.Result result = run.await();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(result.cancelled()).isTrue();
        assertThat(result.exitCode()).isEqualTo(-1);
        assertThat(took).isGreaterThanOrEqualTo(grace).isLessThan(Duration.ofSeconds(8));
        assertThat(gone(run.pid())).isTrue();
        for (long pid : tree) {
            assertThat(gone(pid)).as("descendant %d gone", pid).isTrue();
        }
    }

    @Test
    void timeoutStopsTheRun() {
        ShellRunner.Result result = runner(Duration.ofSeconds(5)).run(dir, "sleep 60", Duration.ofSeconds(1), sink);

        assertThat(result).isEqualTo(new ShellRunner.Result(-1, true, false, false));
    }

    @Test
    void aLeftoverHoldingTheOutputOpenIsStoppedAfterTheShellExits() throws Exception {
        long started = System.nanoTime();
        // The subshell exits at once, so the sleep is an orphan before the runner ever sees it as a descendant.
        ShellRunner.Result result = runner(Duration.ofSeconds(2)).run(dir, "(sleep 60 & echo $!)\nexit 4", LONG, sink);

        assertThat(result).isEqualTo(new ShellRunner.Result(4, false, false, false));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        assertThat(gone(Long.parseLong(sink.text("stdout").trim()))).isTrue();
    }

    @Test
    void cancelAfterTheEndChangesNothing() {
        ShellRunner.Run run = runner(Duration.ofSeconds(1)).start(dir, "echo hi", LONG, sink);
        ShellRunner.Result result = run.await();
        run.cancel();

        assertThat(result).isEqualTo(new ShellRunner.Result(0, false, false, false));
        assertThat(sink.text("stdout")).isEqualTo("hi\n");
    }

    @Test
    void hidesVectisVariablesAndTheNamesTheCallerLists() {
        Assumptions.assumeTrue(System.getenv("HOME") != null, "HOME is not set here");

        new ShellRunner(1 << 20, Duration.ofSeconds(1), List.of("HOME")).run(dir, "echo home=${HOME-unset}; env",
                LONG, sink);

        assertThat(sink.text("stdout")).startsWith("home=unset\n").contains("PATH=");
        assertThat(sink.text("stdout").lines())
                .noneMatch(line -> line.startsWith("VECTIS_") || line.startsWith("PROVIDER_REGISTRY_"));
    }

    @Test
    void runsAProgramWithArguments() {
        ShellRunner.Result result = runner(Duration.ofSeconds(1))
                .start(dir, List.of("printf", "%s|%s", "a b", "$HOME"), LONG, sink).await();

        assertThat(result.exitCode()).isZero();
        assertThat(sink.text("stdout")).isEqualTo("a b|$HOME");
    }

    @Test
    void deleteTreeRemovesReadOnlyDirectories() throws Exception {
        Path root = dir.resolve("scratch");
        Files.createDirectories(root.resolve("ro/sub"));
        Files.writeString(root.resolve("ro/sub/f"), "x");
        root.resolve("ro/sub").toFile().setWritable(false);
        root.resolve("ro").toFile().setWritable(false);

        ShellRunner.deleteTree(root);

        assertThat(root).doesNotExist();
    }

    private static ShellRunner runner(Duration grace) {
        return new ShellRunner(1 << 20, grace, List.of());
    }

    private static List<Long> descendants(long pid) {
        return ProcessHandle.of(pid).map(p -> p.descendants().map(ProcessHandle::pid).toList()).orElse(List.of());
    }

    /** Gone within a few seconds; a killed orphan may linger as a zombie until reaped, which counts as gone. */
    static boolean gone(long pid) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            Path stat = Path.of("/proc", Long.toString(pid), "stat");
            boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            try {
                if (!alive || Files.readString(stat).matches("^\\d+ \\(.*\\) [ZX].*\\s*")) {
                    return true;
                }
            } catch (java.io.IOException e) {
                return true; // the /proc entry went away
            }
            Thread.sleep(50);
        }
        return false;
    }

    private record Chunk(String stream, String text) {
    }

    private static final class Sink implements ShellRunner.OutputSink {
        final Queue<Chunk> chunks = new ConcurrentLinkedQueue<>();

        @Override
        public void chunk(String stream, String text) {
            chunks.add(new Chunk(stream, text));
        }

        String text(String stream) {
            return chunks.stream().filter(c -> c.stream().equals(stream)).map(Chunk::text).collect(Collectors.joining());
        }
    }
}
