import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * THREADS connections sending requests for a warm-up and then a measured window, either in a
 * closed loop (each sends its next request as soon as the last one is answered: a saturation
 * measure, whose latency is the number of threads over the throughput) or paced (each sends on
 * a schedule of its own, as people and machines do: a latency measure at a given rate).
 * Results: requests answered as expected within the window, per second, their latency
 * p50/p99/p99.9, CPU shares, and unexpected answers. An answer counts where it arrives, as
 * JobCycle counts completions.
 */
final class Load {

    /** One request on a thread's connection; true when the answer was the expected one. */
    interface Call {
        boolean send(Http h, int thread, long n) throws IOException;
    }

    private Load() {
    }

    static void closed(Run run, String prefix, int threads, Call call) throws InterruptedException {
        loop(run, prefix, threads, 0, call);
    }

    /**
     * Paced: each thread sends a request every {@code 1 / perThread} seconds, its threads' starts
     * spread over one interval. A latency is counted from when the request was due, not from
     * when it went out, so a server that falls behind its schedule shows in the figures (no
     * coordinated omission); a thread that is behind sends at once, never skips.
     */
    static void paced(Run run, String prefix, int threads, double perThread, Call call) throws InterruptedException {
        loop(run, prefix, threads, (long) (1e9 / perThread), call);
    }

    private static void loop(Run run, String prefix, int threads, long interval, Call call)
            throws InterruptedException {
        long start = System.nanoTime();
        long windowStart = start + (long) (run.seconds("warmup", 2) * 1e9);
        long windowEnd = windowStart + (long) (run.seconds("seconds", 5) * 1e9);
        LongAdder ok = new LongAdder();
        List<Latencies> latencies = new ArrayList<>();
        List<Thread> running = new ArrayList<>();
        String url = run.text("url");
        for (int t = 0; t < threads; t++) {
            Latencies l = new Latencies();
            latencies.add(l);
            int thread = t;
            running.add(Run.thread(prefix + "-" + t, () -> {
                try (Http h = Http.to(url, 30_000)) {
                    long due = start + (interval == 0 ? 0 : interval * thread / threads);
                    for (long n = 0; ; n++) {
                        long t0 = System.nanoTime();
                        if (interval > 0) {
                            try {
                                Run.sleepUntil(due);
                            } catch (InterruptedException e) {
                                return;
                            }
                            t0 = due;
                            due += interval;
                        }
                        if (t0 >= windowEnd) {
                            return;
                        }
                        boolean good;
                        try {
                            good = call.send(h, thread, n);
                        } catch (IOException e) {
                            run.unexpected(prefix, 0, e.toString());
                            good = false;
                        }
                        long t1 = System.nanoTime();
                        if (good && t1 >= windowStart && t1 < windowEnd) {
                            ok.increment();
                            l.add(t1 - t0);
                        }
                    }
                }
            }));
        }
        Proc proc = new Proc(Long.parseLong(run.text("server_pid", "0")));
        Run.sleepUntil(windowStart);
        Proc.Sample a = proc.sample();
        Run.sleepUntil(windowEnd);
        Proc.Sample b = proc.sample();
        for (Thread t : running) {
            t.join();
        }
        Latencies all = Latencies.merge(latencies);
        run.result("req_per_s", ok.sum() / run.seconds("seconds", 5));
        run.result("p50_ms", all.millis(50));
        run.result("p99_ms", all.millis(99));
        run.result("p999_ms", all.millis(99.9));
        Proc.report(run, a, b);
        run.reportUnexpected();
    }
}
