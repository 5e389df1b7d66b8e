import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * A fleet of WORKERS gateway workers each heartbeating (with metrics) every INTERVAL seconds,
 * paced as a real fleet is (WORKERS / INTERVAL beats a second, spread evenly, not as fast as
 * the server answers), for SECONDS, while the server's resident memory is read from
 * /proc/PID/status every second. Results: the highest VmRSS seen, the last one, VmHWM, the
 * beats a second achieved and their latency.
 */
public final class Fleet {

    private Fleet() {
    }

    public static void main(String[] argv) throws Exception {
        Run run = new Run(argv);
        int workers = run.integer("workers", 20_000);
        double interval = run.seconds("interval", 10);
        double seconds = run.seconds("seconds", 30);
        int threads = run.integer("threads", 64);
        String prefix = run.text("prefix", "gw-");
        String token = run.text("worker_token");
        long pid = Long.parseLong(run.text("server_pid"));
        double perSecond = workers / interval;
        long period = (long) (threads * 1e9 / perSecond);
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        LongAdder beats = new LongAdder();
        List<Latencies> latencies = new ArrayList<>();
        List<Thread> running = new ArrayList<>();
        long rssBefore = Proc.statusKib(pid, "VmRSS");
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Latencies l = new Latencies();
            latencies.add(l);
            running.add(Run.thread("fleet-" + t, () -> {
                String call = "PUT /api/v1/workers/{id}/heartbeat";
                try (Http h = Http.to(run.text("url"), 30_000)) {
                    for (long k = 0; ; k++) {
                        long due = start + (long) (thread * 1e9 / perSecond) + k * period;
                        if (due >= end) {
                            return;
                        }
                        Run.sleepUntil(due);
                        long i = (thread + k * threads) % workers;
                        long t0 = System.nanoTime();
                        try {
                            Http.Reply r = h.send("PUT", "/api/v1/workers/" + Heartbeats.id(prefix, i) + "/heartbeat",
                                    token, Heartbeats.body(k));
                            if (Heartbeats.expect(run, call, r)) {
                                beats.increment();
                                l.add(System.nanoTime() - t0);
                            }
                        } catch (java.io.IOException e) {
                            run.unexpected(call, 0, e.toString());
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        long maxRss = rssBefore;
        long lastRss = rssBefore;
        while (System.nanoTime() < end) {
            Thread.sleep(1000);
            long rss = Proc.statusKib(pid, "VmRSS");
            if (rss > 0) {
                lastRss = rss;
                maxRss = Math.max(maxRss, rss);
            }
        }
        for (Thread t : running) {
            t.join();
        }
        Latencies all = Latencies.merge(latencies);
        run.result("rss_max_mib", maxRss / 1024.0);
        run.result("rss_end_mib", lastRss / 1024.0);
        run.result("rss_before_mib", rssBefore / 1024.0);
        run.result("hwm_mib", Proc.statusKib(pid, "VmHWM") / 1024.0);
        run.result("beats_per_s", beats.sum() / seconds);
        run.result("beats_due_per_s", perSecond);
        run.result("p50_ms", all.millis(50));
        run.result("p99_ms", all.millis(99));
        run.reportUnexpected();
    }
}
