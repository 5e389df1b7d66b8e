package dev.vectis.workers;

import java.time.Duration;

/**
 * How often the server wants to hear from a worker, and after how much silence it takes the
 * worker for offline: sent to Vectis's own agents when they enrol and register, so the whole
 * fleet's pace is set in one place.
 */
public record Pace(Duration heartbeatInterval, Duration offlineAfter) {

    /** The interval when none is configured: the spec's ten seconds, or a third of a shorter window. */
    public static Pace forWindow(Duration offlineAfter) {
        long seconds = Math.max(1, Math.min(10, offlineAfter.toSeconds() / 3));
        return new Pace(Duration.ofSeconds(seconds), offlineAfter);
    }
}
