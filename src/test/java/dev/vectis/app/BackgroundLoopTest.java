package dev.vectis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackgroundLoopTest {

    @Test
    void survivesFailuresAndRunsAgain() {
        AtomicInteger runs = new AtomicInteger();
        BackgroundLoop loop = new BackgroundLoop("flaky", Duration.ofMillis(10), () -> {
            if (runs.incrementAndGet() % 2 == 1) {
                throw new IllegalStateException("boom");
            }
        }).start();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 5);
        } finally {
            loop.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void countsFailuresAndRemembersTheLastSuccess() {
        AtomicInteger runs = new AtomicInteger();
        BackgroundLoop loop = new BackgroundLoop("failing-first", Duration.ofHours(1), () -> {
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("boom");
            }
        });
        assertThat(loop.lastSuccessMillis()).isZero();
        long before = System.currentTimeMillis();
        loop.start();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> loop.failures() == 1);
            assertThat(loop.lastSuccessMillis()).as("no success yet").isZero();
            loop.wake();
            await().atMost(Duration.ofSeconds(5)).until(() -> loop.lastSuccessMillis() >= before);
            assertThat(loop.failures()).isEqualTo(1);
        } finally {
            loop.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void wakeRunsItBeforeTheInterval() {
        AtomicInteger runs = new AtomicInteger();
        BackgroundLoop loop = new BackgroundLoop("sleepy", Duration.ofHours(1), runs::incrementAndGet).start();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
            loop.wake();
            await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 2);
        } finally {
            loop.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void stopsPromptlyWhileWaiting() {
        BackgroundLoop loop = new BackgroundLoop("idle", Duration.ofHours(1), () -> { }).start();
        long started = System.nanoTime();
        loop.stop(Duration.ofSeconds(5));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void aTaskThatIgnoresStopIsInterruptedAfterTheBound() {
        AtomicInteger interrupted = new AtomicInteger();
        BackgroundLoop loop = new BackgroundLoop("stubborn", Duration.ofMillis(1), () -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                Thread.currentThread().interrupt();
            }
        }).start();
        await().pollDelay(Duration.ofMillis(50)).until(() -> true);
        loop.stop(Duration.ofMillis(200));
        assertThat(interrupted).hasValue(1);
    }

    @Test
    void wakesWithinTheGapMakeOneRunAndNoneIsLost() {
        AtomicInteger runs = new AtomicInteger();
        // A long gap, so that the wakes below all fall inside one, however slow the machine.
        BackgroundLoop loop = new BackgroundLoop("coalescing", Duration.ofHours(1), runs::incrementAndGet)
                .coalescing(Duration.ofSeconds(2)).start();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
            for (int i = 0; i < 1000; i++) {
                loop.wake();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 2);
            assertThat(runs.get()).as("a thousand wakes in one gap").isEqualTo(2);
            loop.wake();
            await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 3);
        } finally {
            loop.stop(Duration.ofSeconds(5));
        }
    }
}
