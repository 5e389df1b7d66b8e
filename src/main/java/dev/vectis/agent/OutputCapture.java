package dev.vectis.agent;

import dev.vectis.process.ShellRunner;

/**
 * Keeps a job's whole output for the final result (the runner already caps each stream and
 * marks the cut) and passes every chunk on to the live stream.
 */
final class OutputCapture implements ShellRunner.OutputSink {

    private final StringBuilder stdout = new StringBuilder();
    private final StringBuilder stderr = new StringBuilder();
    private final ShellRunner.OutputSink live;

    OutputCapture(ShellRunner.OutputSink live) {
        this.live = live;
    }

    @Override
    public void chunk(String stream, String text) {
        synchronized (this) {
            (stream.equals("stderr") ? stderr : stdout).append(text);
        }
        live.chunk(stream, text);
    }

    synchronized String stdout() {
        return stdout.toString();
    }

    synchronized String stderr() {
        return stderr.toString();
    }
}
