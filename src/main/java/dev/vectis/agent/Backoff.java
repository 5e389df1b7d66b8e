package dev.vectis.agent;

import java.time.Duration;

/** Waits that double after each failure, up to a ceiling; the sleep itself is swappable for tests. */
final class Backoff {

    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final Duration first;
    private final Duration max;
    private final Sleeper sleeper;

    Backoff(Duration first, Duration max, Sleeper sleeper) {
        this.first = first;
        this.max = max;
        this.sleeper = sleeper;
    }

    static Backoff standard() {
        return new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), d -> Thread.sleep(d.toMillis()));
    }

    /** The wait after {@code failures} consecutive failures (1 → first). */
    Duration delay(int failures) {
        Duration d = first;
        for (int i = 1; i < failures && d.compareTo(max) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(max) > 0 ? max : d;
    }

    void pause(int failures) throws InterruptedException {
        sleeper.sleep(delay(failures));
    }
}
