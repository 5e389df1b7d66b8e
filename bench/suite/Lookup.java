import java.util.SplittableRandom;

/**
 * GET one worker among WORKERS (GET /api/v1/workers/{id}, the operator's one-worker view,
 * which covers workers of every contract), a random one each time, on THREADS connections
 * (default 1: the latency of a lookup, not of a queue of them).
 */
public final class Lookup {

    private Lookup() {
    }

    public static void main(String[] argv) throws Exception {
        Run run = new Run(argv);
        int threads = run.integer("threads", 1);
        int workers = run.integer("workers", 100_000);
        String prefix = run.text("prefix", "gw-");
        String admin = run.text("admin");
        SplittableRandom[] random = new SplittableRandom[threads];
        for (int t = 0; t < threads; t++) {
            random[t] = new SplittableRandom(42 + t);
        }
        Load.closed(run, "GET /api/v1/workers/{id}", threads, (h, t, n) -> {
            String id = Heartbeats.id(prefix, random[t].nextInt(workers));
            Http.Reply r = h.get("/api/v1/workers/" + id, admin);
            return Heartbeats.expect(run, "GET /api/v1/workers/{id}", r);
        });
    }
}
