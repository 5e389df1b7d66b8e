package dev.vectis.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerConfTest {

    private static final String SPEC_EXAMPLE = """
            WORKER_ID=wrk_abc123
            SUBDOMAIN=worker-a1b2c3.vectis.dev
            PUBLIC_IP=203.0.113.5
            SYNC_STATUS=synced
            """;

    @TempDir
    Path dir;

    @Test
    void parsesTheSpecsExample() {
        assertThat(WorkerConf.parse(SPEC_EXAMPLE, "worker.conf"))
                .isEqualTo(new WorkerConf("wrk_abc123", "worker-a1b2c3.vectis.dev", "203.0.113.5", "synced"));
    }

    @Test
    void toleratesWhatAShellScriptMightWrite() {
        String text = "# written by install.sh\r\nexport WORKER_ID=\"wrk_x\"\n\nSUBDOMAIN='w.vectis.dev'\nPUBLIC_IP= 2001:db8::5 \n";

        assertThat(WorkerConf.parse(text, "f")).isEqualTo(new WorkerConf("wrk_x", "w.vectis.dev", "2001:db8::5", ""));
    }

    @Test
    void refusesAFileWithoutWorkerIdOrWithGarbage() {
        assertThatThrownBy(() -> WorkerConf.parse("SUBDOMAIN=x\n", "/etc/vectis/worker.conf"))
                .isInstanceOf(AgentException.class).hasMessageContaining("/etc/vectis/worker.conf has no WORKER_ID");
        assertThatThrownBy(() -> WorkerConf.parse("WORKER_ID=a\nnonsense\n", "f"))
                .isInstanceOf(AgentException.class).hasMessageContaining("KEY=VALUE");
    }

    @Test
    void writesExactlyTheSpecsLayoutOwnerOnly() throws Exception {
        new WorkerConf("wrk_abc123", "worker-a1b2c3.vectis.dev", "203.0.113.5", "synced").write(dir);

        Path file = dir.resolve("worker.conf");
        assertThat(Files.readString(file)).isEqualTo(SPEC_EXAMPLE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(WorkerConf.read(dir)).contains(WorkerConf.parse(SPEC_EXAMPLE, "f"));
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file); // no temporary left behind
        }
    }

    @Test
    void rewritingReplacesTheFile() throws Exception {
        new WorkerConf("wrk_1", "a", "192.0.2.1", "synced").write(dir);
        new WorkerConf("wrk_2", "b", "192.0.2.2", "synced").write(dir);

        assertThat(WorkerConf.read(dir).orElseThrow().workerId()).isEqualTo("wrk_2");
    }

    @Test
    void noFileIsEmpty() throws Exception {
        assertThat(WorkerConf.read(dir)).isEmpty();
    }
}
