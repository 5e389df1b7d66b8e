package dev.vectis.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.Map;

/**
 * The fleet's gauges in /metrics say what the database holds, and the counters count what
 * this node did: built through the contracts' own calls, then checked against SQL.
 */
class FleetMetricsTest {

    private static final String[] ADMIN = TestApp.admin();

    @DbTest
    void gaugesMatchTheDatabaseAndCountersCountWhatHappened(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (TestApp app = TestApp.start(db, Map.of(), clock)) {
            // Workers of three contracts, in four states
            for (String id : new String[] {"ex-1", "ex-2", "ex-3"}) {
                ok(app.http.post("/api/workers/register", "{\"workerId\": \"" + id + "\", \"hostname\": \"pc-" + id
                        + "\"}", ADMIN));
            }
            ok(app.http.post("/admin/workers/ex-2/disable", "{}", ADMIN));
            ok(app.http.post("/api/v1/workers/register", gateway("gw-1", "ONLINE", 8001), TestApp.worker()));
            ok(app.http.post("/api/v1/workers/register", gateway("gw-2", "MAINTENANCE", 8002), TestApp.worker()));
            String host = created(app.http.post("/admin/workers/register",
                    "{\"name\": \"unreachable\", \"base_url\": \"http://127.0.0.1:1\", \"max_sessions\": 2}", ADMIN))
                    .get("id").asText();
            // A worker that went silent (the sweeper's mark, made directly: the clock is the test's)
            app.app().database().jdbi().useHandle(h -> h.execute("UPDATE workers SET online = FALSE WHERE id = 'ex-3'"));

            // Three jobs, one of them running on ex-1
            String[] jobs = new String[3];
            for (int i = 0; i < 3; i++) {
                jobs[i] = app.http.post("/api/jobs/create", "{\"command\": \"echo " + i + "\", \"fileUrl\": \"/uploads/p.zip\", "
                        + "\"filename\": \"p.zip\"}", ADMIN).json().get("jobId").asText();
            }
            Http.Response claimed = app.http.get("/api/jobs/get-job?workerId=ex-1", ADMIN);
            assertThat(claimed.status()).as(claimed.body()).isEqualTo(200);
            String running = claimed.json().get("job").get("jobId").asText();

            // Chat sessions reported by gw-1; a VPS purchase whose worker cannot be reached, and one too dear
            ok(app.http.post("/api/v1/webhooks/session-status", chat("s-1", "qr_required"), TestApp.worker()));
            ok(app.http.post("/api/v1/webhooks/session-status", chat("s-2", "connected"), TestApp.worker()));
            ok(app.http.post("/api/v1/webhooks/session-status", chat("s-3", "connected"), TestApp.worker()));
            String product = created(app.http.post("/admin/vps-products", "{\"name\": \"Small\", \"price_coins\": 100, "
                    + "\"provision_action\": 2, \"worker_ids\": [\"" + host + "\"]}", ADMIN)).get("id").asText();
            String rich = created(app.http.post("/admin/users", "{\"email\": \"rich@example.com\", \"name\": \"Rich\", "
                    + "\"coins\": 250}", ADMIN)).get("token").asText();
            String poor = created(app.http.post("/admin/users", "{\"email\": \"poor@example.com\", \"name\": \"Poor\", "
                    + "\"coins\": 10}", ADMIN)).get("token").asText();
            Http.Response bought = purchase(app, rich, "k-1", product);
            assertThat(bought.status()).as(bought.body()).isEqualTo(201);
            assertThat(bought.json().get("status").asText()).isEqualTo("failed");
            assertThat(purchase(app, poor, "k-2", product).status()).isEqualTo(402);

            clock.advance(Duration.ofSeconds(6));
            Scrape s = Scrape.of(app);
            assertThat(s.value("vectis_workers", "contract", "executor", "state", "online")).isEqualTo(1);
            assertThat(s.value("vectis_workers", "contract", "executor", "state", "disabled")).isEqualTo(1);
            assertThat(s.value("vectis_workers", "contract", "executor", "state", "offline")).isEqualTo(1);
            assertThat(s.value("vectis_workers", "contract", "gateway", "state", "online")).isEqualTo(1);
            assertThat(s.value("vectis_workers", "contract", "gateway", "state", "maintenance")).isEqualTo(1);
            assertThat(s.value("vectis_workers", "contract", "marketplace", "state", "online")).isEqualTo(1);
            assertThat(s.all("vectis_workers").stream().mapToDouble(Scrape.Sample::value).sum())
                    .isEqualTo(count(app, "SELECT COUNT(*) FROM workers")).isEqualTo(6);
            assertThat(s.all("vectis_workers")).hasSize(4 * 6);
            assertThat(s.value("vectis_workers_heartbeat_lag_seconds", "contract", "gateway")).isEqualTo(6.0);
            assertThat(s.value("vectis_workers_heartbeat_lag_seconds", "contract", "fleet")).isZero();

            assertThat(s.value("vectis_jobs_pending")).isEqualTo(2)
                    .isEqualTo(count(app, "SELECT COUNT(*) FROM jobs WHERE status = 'pending'"));
            assertThat(s.value("vectis_jobs_running")).isEqualTo(1);
            assertThat(s.value("vectis_jobs_oldest_pending_age_seconds")).isEqualTo(6.0);

            assertThat(s.value("vectis_sessions", "kind", "chat", "state", "connected")).isEqualTo(2)
                    .isEqualTo(count(app, "SELECT COUNT(*) FROM chat_sessions WHERE status = 'connected'"));
            assertThat(s.value("vectis_sessions", "kind", "chat", "state", "qr_required")).isEqualTo(1);
            assertThat(s.value("vectis_sessions", "kind", "vps", "state", "failed")).isEqualTo(1)
                    .isEqualTo(count(app, "SELECT COUNT(*) FROM vps_sessions WHERE status = 'failed'"));
            assertThat(s.value("vectis_sessions", "kind", "vps", "state", "ready")).isZero();
            assertThat(s.value("vectis_coins_in_circulation")).as("the price went back").isEqualTo(260)
                    .isEqualTo(count(app, "SELECT SUM(coins) FROM users"));

            assertThat(s.value("vectis_purchases_total", "outcome", "refunded")).isEqualTo(1);
            assertThat(s.value("vectis_purchases_total", "outcome", "insufficient_coins")).isEqualTo(1);
            assertThat(s.value("vectis_purchases_total", "outcome", "accepted")).isZero();
            assertThat(s.value("vectis_jobs_finished_total", "outcome", "succeeded")).isZero();
            assertThat(s.value("vectis_fleet_snapshot_failures_total")).isZero();

            // The running job succeeds 8 s after it was claimed; a pending one is cancelled
            clock.advance(Duration.ofSeconds(2));
            ok(app.http.post("/api/jobs/submit-result", "{\"jobId\": \"" + running + "\", \"workerId\": \"ex-1\", "
                    + "\"stdout\": \"ok\", \"stderr\": \"\", \"exitCode\": 0}", ADMIN));
            String pending = jobs[0].equals(running) ? jobs[1] : jobs[0];
            ok(app.http.post("/api/jobs/cancel", "{\"jobId\": \"" + pending + "\"}", ADMIN));

            Scrape cached = Scrape.of(app);
            assertThat(cached.value("vectis_jobs_pending")).as("gauges are read at most every 5 s").isEqualTo(2);
            assertThat(cached.value("vectis_jobs_finished_total", "outcome", "succeeded"))
                    .as("counters count at once").isEqualTo(1);

            clock.advance(Duration.ofSeconds(5));
            Scrape after = Scrape.of(app);
            assertThat(after.value("vectis_jobs_pending")).isEqualTo(1);
            assertThat(after.value("vectis_jobs_running")).isZero();
            assertThat(after.value("vectis_jobs_finished_total", "outcome", "cancelled")).isEqualTo(1);
            assertThat(after.value("vectis_job_duration_seconds_count", "outcome", "succeeded")).isEqualTo(1);
            assertThat(after.value("vectis_job_duration_seconds_sum", "outcome", "succeeded")).isEqualTo(8.0);
            assertThat(after.value("vectis_job_duration_seconds_bucket", "outcome", "succeeded", "le", "5.0"))
                    .isZero();
            assertThat(after.value("vectis_job_duration_seconds_bucket", "outcome", "succeeded", "le", "15.0"))
                    .isEqualTo(1);
            assertThat(after.value("vectis_job_duration_seconds_count", "outcome", "cancelled"))
                    .as("a job that never started has no duration").isZero();
            assertThat(after.all("vectis_loop_last_success_timestamp_seconds"))
                    .extracting(x -> x.labels().get("loop"))
                    .contains("heartbeat-flusher", "liveness-sweeper", "retention", "stream-reader");
        }
    }

    private static String gateway(String id, String status, int port) {
        return "{\"workerId\": \"" + id + "\", \"endpoint\": \"http://localhost:" + port + "\", \"maxSessions\": 50, "
                + "\"status\": \"" + status + "\", \"version\": \"1.0.0\"}";
    }

    private static String chat(String sessionId, String status) {
        return "{\"event\": \"status_changed\", \"sessionId\": \"" + sessionId + "\", \"workerId\": \"gw-1\", "
                + "\"data\": {\"status\": \"" + status + "\"}}";
    }

    private static Http.Response purchase(TestApp app, String token, String key, String product) {
        return app.http.post("/vps/purchase-and-create", "{\"product_id\": \"" + product + "\"}",
                "Authorization", "Bearer " + token, "Idempotency-Key", key);
    }

    private static double count(TestApp app, String sql) {
        return app.app().database().jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    private static void ok(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    private static JsonNode created(Http.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }
}
