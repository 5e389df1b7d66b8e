import java.util.ArrayList;
import java.util.List;

/**
 * USERS users buying VPS sessions at once (POST /vps/purchase-and-create with a fresh
 * Idempotency-Key), served by a FakeVm in this process: paced, RATE purchases a second among
 * them all (each user buying on a schedule of its own), or with rate=0 each in a closed loop,
 * as fast as the answers come. The product is placed on
 * HOSTS worker rows of 1,000 sessions each, all pointing at the fake, so capacity never runs
 * out during a run; each run makes its own users, hosts and product (TAG keeps them apart).
 */
public final class Purchases {

    private Purchases() {
    }

    public static void main(String[] argv) throws Exception {
        Run run = new Run(argv);
        int users = run.integer("users", 100);
        int hosts = run.integer("hosts", 30);
        double rate = Double.parseDouble(run.text("rate", "240"));
        String tag = run.text("tag", Long.toString(System.currentTimeMillis(), 36));
        String admin = run.text("admin");
        try (FakeVm fake = FakeVm.start(); Http h = Http.to(run.text("url"), 30_000)) {
            List<String> hostIds = new ArrayList<>();
            for (int k = 0; k < hosts; k++) {
                hostIds.add(created(h.send("POST", "/admin/workers/register", admin, "{\"name\":\"bench-" + tag + "-" + k
                        + "\",\"base_url\":\"" + fake.url() + "\",\"max_sessions\":1000}"), "id"));
            }
            String product = created(h.send("POST", "/admin/vps-products", admin, "{\"name\":\"Bench " + tag
                    + "\",\"description\":\"bench\",\"price_coins\":1,\"provision_action\":2,\"is_active\":true,"
                    + "\"worker_ids\":[\"" + String.join("\",\"", hostIds) + "\"]}"), "id");
            String[] tokens = new String[users];
            for (int i = 0; i < users; i++) {
                tokens[i] = created(h.send("POST", "/admin/users", admin, "{\"email\":\"u" + i + "-" + tag
                        + "@bench.invalid\",\"name\":\"User " + i + "\",\"coins\":1000000}"), "token");
            }
            String body = "{\"product_id\":\"" + product + "\"}";
            String call = "POST /vps/purchase-and-create";
            Load.Call buy = (c, t, n) -> {
                Http.Reply r = c.send("POST", "/vps/purchase-and-create", tokens[t], body, "k-" + tag + "-" + t + "-" + n);
                if (r.status() == 201 && !"failed".equals(Http.field(r.body(), "status"))) {
                    return true;
                }
                run.unexpected(call, r.status(), r.body());
                return false;
            };
            if (rate > 0) {
                Load.paced(run, call, users, rate / users, buy);
            } else {
                Load.closed(run, call, users, buy);
            }
            run.result("worker_calls", fake.calls.get());
            // A connection of its own: the setup's has been idle all run, longer than the server keeps one.
            try (Http after = Http.to(run.text("url"), 30_000)) {
                // Let the server's log reads find every session ready (at most a minute), so that
                // none is left watched on a closed fake to weigh on later runs; then take the
                // hosts out of service.
                long until = System.nanoTime() + 60_000_000_000L;
                String left = "?";
                while (System.nanoTime() < until) {
                    left = Http.field(after.get("/admin/vps-sessions?status=provisioning&limit=1", admin).body(), "count");
                    if ("0".equals(left)) {
                        break;
                    }
                    Thread.sleep(500);
                }
                if (!"0".equals(left)) {
                    run.note(left + " sessions still provisioning a minute after the run");
                }
                for (String id : hostIds) {
                    after.send("POST", "/admin/workers/" + id + "/disable", admin, "{}");
                }
            }
        }
    }

    private static String created(Http.Reply r, String field) {
        if (r.status() != 201) {
            throw new IllegalStateException("setup call answered " + r.status() + ": " + r.body());
        }
        return Http.field(r.body(), field);
    }
}
