import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The job cycle over HTTP: WORKERS agents loop get-job (long poll) → submit-result while
 * PRODUCERS create jobs, with at most OUTSTANDING jobs created and not yet completed, so the
 * workers always find work (saturation) and create→complete latency stays a measure of the
 * queue rather than of an ever-growing backlog. graphile.mjs and pgboss.mjs run the same
 * cycle with the same numbers.
 *
 * <p>Results: jobs/s completed in the measured window (after a warm-up), create→complete
 * p50/p99 of the jobs completed in it, jobs created and completed in the whole run, jobs left
 * unfinished after the drain, and CPU shares.
 */
public final class JobCycle {

    private final Run run;
    private final String url;
    private final String admin;
    private final String workerToken;
    private final int wait;
    private final Semaphore permits;
    private final int outstanding;
    private final long windowStart;
    private final long windowEnd;
    private volatile boolean producing = true;
    private volatile boolean working = true;
    private final LongAdder created = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder completedInWindow = new LongAdder();
    private final LongAdder emptyPolls = new LongAdder();
    private final List<Http> connections = new ArrayList<>();

    private JobCycle(Run run, long start) {
        this.run = run;
        this.url = run.text("url");
        this.admin = run.text("admin");
        this.workerToken = run.text("worker_token");
        this.wait = run.integer("wait", 30);
        this.outstanding = run.integer("outstanding", 2 * run.integer("workers", 16));
        this.permits = new Semaphore(outstanding);
        this.windowStart = start + (long) (run.seconds("warmup", 3) * 1e9);
        this.windowEnd = windowStart + (long) (run.seconds("seconds", 10) * 1e9);
    }

    public static void main(String[] argv) throws Exception {
        Run run = new Run(argv);
        int workers = run.integer("workers", 16);
        int producers = run.integer("producers", 8);
        String prefix = run.text("prefix", "bench-w-");
        try (Http h = Http.to(run.text("url"), 30_000)) {
            for (int i = 0; i < workers; i++) {
                String body = "{\"workerId\":\"" + prefix + i + "\",\"hostname\":\"bench-" + i
                        + "\",\"os\":\"linux\",\"cpuCount\":2,\"version\":\"bench\"}";
                Http.Reply r = h.send("POST", "/api/workers/register", run.text("worker_token"), body);
                if (r.status() != 200) {
                    throw new IllegalStateException("POST /api/workers/register: " + r.status() + " " + r.body());
                }
            }
        }
        JobCycle cycle = new JobCycle(run, System.nanoTime());
        List<Latencies> latencies = new ArrayList<>();
        List<Thread> workerThreads = new ArrayList<>();
        List<Thread> producerThreads = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            Latencies l = new Latencies();
            latencies.add(l);
            Http h = cycle.connection((cycle.wait + 30) * 1000);
            String id = prefix + i;
            workerThreads.add(Run.thread("worker-" + i, () -> cycle.work(h, id, l)));
        }
        for (int i = 0; i < producers; i++) {
            Http h = cycle.connection(30_000);
            producerThreads.add(Run.thread("producer-" + i, () -> cycle.produce(h)));
        }
        Proc proc = new Proc(Long.parseLong(run.text("server_pid", "0")));
        Run.sleepUntil(cycle.windowStart);
        Proc.Sample a = proc.sample();
        Run.sleepUntil(cycle.windowEnd);
        Proc.Sample b = proc.sample();
        cycle.producing = false;
        for (Thread t : producerThreads) {
            t.join();
        }
        long drainUntil = System.nanoTime() + (long) (run.seconds("drain", 10) * 1e9);
        while (cycle.permits.availablePermits() < cycle.outstanding && System.nanoTime() < drainUntil) {
            Thread.sleep(20);
        }
        cycle.working = false;
        synchronized (cycle.connections) {
            cycle.connections.forEach(Http::close); // ends the long polls still waiting
        }
        for (Thread t : workerThreads) {
            t.join();
        }
        Latencies all = Latencies.merge(latencies);
        run.result("jobs_per_s", cycle.completedInWindow.sum() / run.seconds("seconds", 10));
        run.result("p50_ms", all.millis(50));
        run.result("p99_ms", all.millis(99));
        run.result("created", cycle.created.sum());
        run.result("completed", cycle.completed.sum());
        run.result("unfinished", cycle.created.sum() - cycle.completed.sum());
        run.result("empty_polls", cycle.emptyPolls.sum());
        Proc.report(run, a, b);
        run.reportUnexpected();
    }

    private Http connection(int timeoutMillis) {
        Http h = Http.to(url, timeoutMillis);
        synchronized (connections) {
            connections.add(h);
        }
        return h;
    }

    private void produce(Http h) {
        try {
            while (producing) {
                if (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                long t0 = System.nanoTime();
                String body = "{\"command\":\"echo " + t0 + "\",\"fileUrl\":\"https://bench.invalid/job.zip\","
                        + "\"filename\":\"job.sh\"}";
                try {
                    Http.Reply r = h.send("POST", "/api/jobs/create", admin, body);
                    if (r.status() == 200) {
                        created.increment();
                    } else {
                        permits.release();
                        run.unexpected("POST /api/jobs/create", r.status(), r.body());
                    }
                } catch (IOException e) {
                    permits.release();
                    run.unexpected("POST /api/jobs/create", 0, e.toString());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void work(Http h, String id, Latencies latencies) {
        String poll = "/api/jobs/get-job?workerId=" + id + "&wait=" + wait;
        while (working) {
            Http.Reply r;
            try {
                r = h.send("GET", poll, workerToken, null);
            } catch (IOException e) {
                if (working) {
                    run.unexpected("GET /api/jobs/get-job", 0, e.toString());
                    pause();
                }
                continue;
            }
            if (r.status() == 202) {
                emptyPolls.increment();
                continue;
            }
            if (r.status() != 200) {
                run.unexpected("GET /api/jobs/get-job", r.status(), r.body());
                pause();
                continue;
            }
            String jobId = Http.field(r.body(), "jobId");
            String command = Http.field(r.body(), "command");
            String sent = command == null ? "" : command.substring(command.lastIndexOf(' ') + 1);
            long t0 = sent.chars().allMatch(Character::isDigit) && !sent.isEmpty() ? Long.parseLong(sent) : 0;
            String result = "{\"jobId\":\"" + jobId + "\",\"workerId\":\"" + id + "\",\"stdout\":\"ok\",\"stderr\":\"\","
                    + "\"exitCode\":0,\"attempt\":" + Http.field(r.body(), "attempt") + "}";
            try {
                r = h.send("POST", "/api/jobs/submit-result", workerToken, result);
            } catch (IOException e) {
                permits.release();
                run.unexpected("POST /api/jobs/submit-result", 0, e.toString());
                continue;
            }
            long now = System.nanoTime();
            permits.release();
            if (r.status() != 200) {
                run.unexpected("POST /api/jobs/submit-result", r.status(), r.body());
                continue;
            }
            completed.increment();
            if (now >= windowStart && now < windowEnd) {
                completedInWindow.increment();
                if (t0 != 0) { // else a job this run did not create
                    latencies.add(now - t0);
                }
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
