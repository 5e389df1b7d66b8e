package dev.vectis.sessions;

import java.time.Duration;

/** A duration as people say it: "20 seconds", "1 minute 30 seconds", "2 hours". */
final class TimeWords {

    private TimeWords() {
    }

    static String of(Duration d) {
        long seconds = Math.max(0, d.toSeconds());
        long hours = seconds / 3600;
        long minutes = seconds % 3600 / 60;
        long rest = seconds % 60;
        StringBuilder out = new StringBuilder();
        unit(out, hours, "hour");
        unit(out, minutes, "minute");
        if (rest > 0 || out.isEmpty()) {
            unit(out, rest, "second");
        }
        return out.toString();
    }

    private static void unit(StringBuilder out, long n, String name) {
        if (n == 0 && !name.equals("second")) {
            return;
        }
        if (!out.isEmpty()) {
            out.append(' ');
        }
        out.append(n).append(' ').append(name).append(n == 1 ? "" : "s");
    }
}
