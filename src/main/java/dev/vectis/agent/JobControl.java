package dev.vectis.agent;

import dev.vectis.process.ShellRunner;

/**
 * The stop switch of one running job. The first reason given wins; a run attached later is
 * stopped at once if the switch was already thrown (say, during the download).
 */
final class JobControl {

    enum Reason {
        /** The server cancelled the job or gave it to someone else: report nothing. */
        SERVER,
        /** This agent is shutting down: report nothing, its departure hands the job back to the server. */
        AGENT_STOPPED
    }

    private final AssignedJob job;
    private Reason reason;
    private ShellRunner.Run run;

    JobControl(AssignedJob job) {
        this.job = job;
    }

    AssignedJob job() {
        return job;
    }

    void stop(Reason why) {
        ShellRunner.Run toCancel;
        synchronized (this) {
            if (reason != null) {
                return;
            }
            reason = why;
            toCancel = run;
        }
        if (toCancel != null) {
            toCancel.cancel();
        }
    }

    synchronized Reason reason() {
        return reason;
    }

    void attach(ShellRunner.Run started) {
        boolean stopNow;
        synchronized (this) {
            run = started;
            stopNow = reason != null;
        }
        if (stopNow) {
            started.cancel();
        }
    }
}
