package dev.vectis.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Whether a process has gone (a zombie awaiting its reaper counts as gone). */
final class Processes {

    private Processes() {
    }

    static boolean gone(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            try {
                if (!alive || Files.readString(Path.of("/proc", Long.toString(pid), "stat"))
                        .matches("^\\d+ \\(.*\\) [ZX].*\\s*")) {
                    return true;
                }
            } catch (IOException e) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }
}
