package dev.vectis.agent;

import dev.vectis.process.ShellRunner;
import java.nio.file.Path;
import java.util.List;

/**
 * A VM run by a provisioner executable: started as {@code <exe> <route>}, its stdout and
 * stderr become the log, and it runs until stopped (SIGTERM to its tree, SIGKILL after the
 * grace) or until it exits by itself.
 */
final class ProvisionerVm implements Vm {

    private final ShellRunner.Run run;
    private final Thread watcher;

    ProvisionerVm(ShellRunner runner, Path executable, String route, VmLog log) {
        this.run = runner.start(executable.getParent(), List.of(executable.toString(), route), null,
                (stream, text) -> log.append(text));
        this.watcher = new Thread(() -> {
            ShellRunner.Result r = run.await();
            log.append(r.cancelled() ? "Status: stopped\n" : "Status: exited with code " + r.exitCode() + "\n");
        }, "vectis-agent-vm-" + route);
        this.watcher.setDaemon(true);
        this.watcher.start();
    }

    @Override
    public void stop() throws InterruptedException {
        run.cancel();
        watcher.join();
    }

    @Override
    public boolean running() {
        return watcher.isAlive();
    }
}
