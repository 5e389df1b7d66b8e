import java.time.Instant;

/**
 * The session-worker-gateway heartbeat with the metrics its workers send
 * (session-worker-gateway.md §2), or the cheapest existing endpoint for comparison, as a
 * closed loop on THREADS connections. target=heartbeat sends PUT /api/v1/workers/{id}/heartbeat
 * for WORKERS registered gateway workers named PREFIX000000…, in turn; target=noop sends
 * GET NOOP_PATH (default /livez, which does nothing but answer) without credentials.
 */
public final class Heartbeats {

    private Heartbeats() {
    }

    public static void main(String[] argv) throws Exception {
        Run run = new Run(argv);
        String target = run.text("target");
        int threads = run.integer("threads", 16);
        int workers = run.integer("workers", 100);
        String prefix = run.text("prefix", "gw-");
        String token = run.text("worker_token");
        String noop = run.text("noop_path", "/livez");
        if (target.equals("heartbeat")) {
            Load.closed(run, "PUT /api/v1/workers/{id}/heartbeat", threads, (h, t, n) -> {
                long i = (n * threads + t) % workers;
                Http.Reply r = h.send("PUT", "/api/v1/workers/" + id(prefix, i) + "/heartbeat", token, body(n));
                return expect(run, "PUT /api/v1/workers/{id}/heartbeat", r);
            });
        } else {
            Load.closed(run, "GET " + noop, threads, (h, t, n) -> expect(run, "GET " + noop, h.get(noop, null)));
        }
    }

    static String id(String prefix, long i) {
        return prefix + String.format("%06d", i);
    }

    /** The document's heartbeat, its numbers moving a little from one beat to the next. */
    static String body(long n) {
        long k = n % 50;
        return "{\"status\":\"ONLINE\",\"cpuUsage\":" + (20 + k) + ".5,\"memoryUsage\":" + (40 + k) + ".8,"
                + "\"uptime\":" + (3600 + n) + ",\"messageCount\":" + (1250 + n) + ",\"sessions\":{\"total\":25,"
                + "\"connected\":" + (20 - k % 3) + ",\"disconnected\":2,\"qr_required\":2,\"reconnecting\":1,"
                + "\"error\":" + k % 3 + "},\"timestamp\":\"" + Instant.now() + "\"}";
    }

    static boolean expect(Run run, String call, Http.Reply r) {
        if (r.status() == 200) {
            return true;
        }
        run.unexpected(call, r.status(), r.body());
        return false;
    }
}
