package dev.vectis.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectis.error.InvalidInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectExecutorTest {

    @TempDir
    Path tmp;

    private final Sink sink = new Sink();

    @Test
    void runsCommandsInsideTheExtractedBundle() throws Exception {
        DirectExecutor.Result result = executor(Duration.ofSeconds(30), 1_000_000)
                .run(bundle(Map.of("hello.txt", "hello world")), "cat hello.txt", sink);

        assertThat(result).isEqualTo(new DirectExecutor.Result(0, false, false));
        assertThat(sink.text("stdout")).isEqualTo("hello world");
        assertThat(workDirs()).isEmpty();
    }

    @Test
    void runsNewlineSeparatedCommandsAsOneScript() throws Exception {
        executor(Duration.ofSeconds(30), 1_000_000).run(bundle(Map.of()), "X=one\necho $X\necho two", sink);

        assertThat(sink.text("stdout")).isEqualTo("one\ntwo\n");
    }

    @Test
    void reportsStderrAndExitCode() throws Exception {
        DirectExecutor.Result result = executor(Duration.ofSeconds(30), 1_000_000)
                .run(bundle(Map.of()), "echo err >&2; exit 3", sink);

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(sink.text("stderr")).isEqualTo("err\n");
        assertThat(sink.text("stdout")).isEmpty();
    }

    @Test
    void stdinIsEmpty() throws Exception {
        executor(Duration.ofSeconds(30), 1_000_000).run(bundle(Map.of()), "read line; echo got=$?", sink);

        assertThat(sink.text("stdout")).isEqualTo("got=1\n");
    }

    @Test
    void killsTheProcessTreeAtTheTimeout() throws Exception {
        long started = System.nanoTime();
        DirectExecutor.Result result = executor(Duration.ofSeconds(1), 1_000_000)
                .run(bundle(Map.of()), "sleep 30 & echo $!\nsleep 30", sink);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(result).isEqualTo(new DirectExecutor.Result(-1, true, false));
        assertThat(took).isLessThan(Duration.ofSeconds(10));
        long child = Long.parseLong(sink.text("stdout").trim());
        assertThat(gone(child, Duration.ofSeconds(10))).as("background child %d killed", child).isTrue();
        assertThat(workDirs()).isEmpty();
    }

    @Test
    void truncatesOutputPastTheCapButKeepsDraining() throws Exception {
        DirectExecutor.Result result = executor(Duration.ofSeconds(30), 100)
                .run(bundle(Map.of()), "head -c 500000 /dev/zero | tr '\\0' x; echo done >&2", sink);

        assertThat(result).isEqualTo(new DirectExecutor.Result(0, false, true));
        assertThat(sink.text("stdout")).isEqualTo("x".repeat(100) + "\n[output truncated after 100 bytes]\n");
        assertThat(sink.text("stderr")).isEqualTo("done\n");
    }

    @Test
    void decodesUtf8SplitAcrossReads() throws Exception {
        String text = "a" + "é".repeat(50_000);

        executor(Duration.ofSeconds(30), 1_000_000).run(bundle(Map.of("t.txt", text)), "cat t.txt", sink);

        assertThat(sink.text("stdout")).isEqualTo(text);
    }

    @Test
    void deletesReadOnlyLeftovers() throws Exception {
        executor(Duration.ofSeconds(30), 1_000_000)
                .run(bundle(Map.of()), "mkdir -p ro/sub && touch ro/sub/f && chmod -R a-w ro", sink);

        assertThat(workDirs()).isEmpty();
    }

    @Test
    void hidesServerSecretsFromTheChild() throws Exception {
        executor(Duration.ofSeconds(30), 1_000_000).run(bundle(Map.of()), "env", sink);

        assertThat(sink.text("stdout")).contains("PATH=");
        assertThat(sink.text("stdout").lines())
                .noneMatch(line -> line.startsWith("VECTIS_") || line.startsWith("PROVIDER_REGISTRY_"));
    }

    @Test
    void refusesUnsafeBundleAndCleansUp() throws Exception {
        Path bundle = bundle(Map.of("../evil.sh", "echo evil"));

        assertThatThrownBy(() -> executor(Duration.ofSeconds(30), 1_000).run(bundle, "true", sink))
                .isInstanceOf(InvalidInputException.class);
        assertThat(workDirs()).isEmpty();
        assertThat(sink.chunks).isEmpty();
    }

    private DirectExecutor executor(Duration timeout, long cap) {
        return new DirectExecutor(tmp.resolve("work"), timeout, cap);
    }

    private Path bundle(Map<String, String> files) throws IOException {
        Path zip = Files.createTempFile(tmp, "bundle", ".zip");
        try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(file)) {
            for (Map.Entry<String, String> e : files.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
            }
        }
        return zip;
    }

    private List<Path> workDirs() throws IOException {
        Path work = tmp.resolve("work");
        try (Stream<Path> dirs = Files.exists(work) ? Files.list(work) : Stream.empty()) {
            return dirs.toList();
        }
    }

    /** A killed child whose parent is gone may linger as a zombie until reaped; that counts as gone. */
    private static boolean gone(long pid, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            Path stat = Path.of("/proc", Long.toString(pid), "stat");
            boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            if (!alive || (Files.exists(stat) && Files.readString(stat).matches("^\\d+ \\(.*\\) Z.*\\s*"))) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private record Chunk(String stream, String text) {
    }

    private static final class Sink implements DirectExecutor.OutputSink {
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
