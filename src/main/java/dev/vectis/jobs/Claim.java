package dev.vectis.jobs;

/** The answer to a worker's poll. */
public record Claim(Outcome outcome, Job job) {

    public enum Outcome {
        /** The job is now the worker's, or held for the anonymous poll's address. */
        CLAIMED,
        /** Nothing is pending. */
        NO_JOB,
        /** The worker already runs as many jobs as it may. */
        WORKER_BUSY,
        /** An operator set the worker draining, drained, in maintenance or disabled: it takes no new job. */
        WORKER_PAUSED,
        /** Anonymous poll, and no candidate worker at its address has room (the spec's "no idle workers"). */
        NO_IDLE_WORKER,
        /** The worker said it is leaving and has not been heard from since (a poll it left open). */
        WORKER_LEFT
    }

    static Claim of(Outcome outcome) {
        return new Claim(outcome, null);
    }
}
