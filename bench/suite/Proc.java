import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What /proc tells about the run: CPU used by the server, by this client and by the whole
 * machine over a window, and the server's resident memory. The CPU shares show whether the
 * client or other load on a shared machine, rather than the server, set the pace.
 */
final class Proc {

    /** Clock ticks per second of /proc's CPU times; 100 on every Linux this runs on. */
    private static final double TICKS = 100.0;

    /** CPU counters at one instant. */
    record Sample(long nanos, double serverSeconds, double clientSeconds, long busyTicks, long allTicks) {
    }

    private final long serverPid;

    Proc(long serverPid) {
        this.serverPid = serverPid;
    }

    Sample sample() {
        long[] machine = machine();
        return new Sample(System.nanoTime(), serverPid > 0 ? cpuSeconds(serverPid) : 0, cpuSeconds(ProcessHandle.current().pid()),
                machine[0], machine[1]);
    }

    /** Prints the CPU shares between two samples as results: percent of one core, and the machine's busy percent. */
    static void report(Run run, Sample a, Sample b) {
        double wall = (b.nanos() - a.nanos()) / 1e9;
        run.result("server_cpu_pct", 100 * (b.serverSeconds() - a.serverSeconds()) / wall);
        run.result("client_cpu_pct", 100 * (b.clientSeconds() - a.clientSeconds()) / wall);
        long all = b.allTicks() - a.allTicks();
        run.result("machine_busy_pct", all == 0 ? 0 : 100.0 * (b.busyTicks() - a.busyTicks()) / all);
    }

    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Busy and total ticks of all CPUs (/proc/stat's first line; idle and iowait are not busy). */
    static long[] machine() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long all = 0;
            for (int i = 1; i < f.length; i++) {
                all += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {all - idle, all};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /** A /proc/PID/status field in KiB (VmRSS, VmHWM), or -1. */
    static long statusKib(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process is gone
        }
        return -1;
    }
}
