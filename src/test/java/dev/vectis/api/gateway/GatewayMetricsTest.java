package dev.vectis.api.gateway;

import static dev.vectis.api.gateway.Gateway.HEARTBEAT_BODY;
import static dev.vectis.api.gateway.Gateway.WORKER;
import static dev.vectis.api.gateway.Gateway.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import dev.vectis.workers.WorkerMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A metrics sample per heartbeat, in the spec's worker_metrics table, kept for the retention period. */
class GatewayMetricsTest {

    @DbTest
    void everyHeartbeatStoresASampleOperatorsCanRead(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Gateway.registerOk(app, WORKER, "http://localhost:8001");
            Gateway.registerOk(app, "worker-002", "http://localhost:8002");
            long before = System.currentTimeMillis();
            for (double cpu : new double[] {10.5, 20.25, 30}) {
                Gateway.heartbeatOk(app, WORKER, HEARTBEAT_BODY.replace("45.5", Double.toString(cpu)));
            }
            Gateway.heartbeatOk(app, "worker-002", "{\"cpuUsage\": 99.0}");

            List<JsonNode> samples = awaitSamples(app, WORKER, 3);
            assertThat(samples).extracting(s -> s.get("cpuUsage").asDouble()).containsExactly(10.5, 20.25, 30.0);
            JsonNode first = samples.get(0);
            assertThat(first.get("status").asText()).isEqualTo("ONLINE");
            assertThat(first.get("memoryUsage").asDouble()).isEqualTo(67.8);
            assertThat(first.get("uptime").asLong()).isEqualTo(3600);
            assertThat(first.get("messageCount").asLong()).isEqualTo(1250);
            assertThat(first.get("sessions")).isEqualTo(Gateway.tree("""
                    {"total": 25, "connected": 20, "disconnected": 2, "qr_required": 2, "reconnecting": 1,
                     "error": 0}"""));
            assertThat(first.get("timestamp").asText()).isEqualTo("2024-01-15T10:30:00.000Z");
            assertThat(Instant.parse(first.get("receivedAt").asText()).toEpochMilli())
                    .isBetween(before - 1000, System.currentTimeMillis() + 1000);
            // The other worker's sample is its own
            assertThat(awaitSamples(app, "worker-002", 1).get(0).get("cpuUsage").asDouble()).isEqualTo(99.0);

            // The newest sample is the worker's last metrics, in the list and the detail
            assertThat(Gateway.worker(app, WORKER).get("lastMetrics").get("cpuUsage").asDouble()).isEqualTo(30.0);
            JsonNode listed = Gateway.list(app.http.get("/api/v1/workers", TestApp.admin()).json().get("data")
                    .get("workers")).stream().filter(w -> w.get("workerId").asText().equals(WORKER)).findFirst()
                    .orElseThrow();
            assertThat(listed.get("lastMetrics").get("cpuUsage").asDouble()).isEqualTo(30.0);
            assertThat(listed.get("status").asText()).isEqualTo("ONLINE");
            assertThat(listed.get("liveness").asText()).isEqualTo("online");

            // ?since= as epoch milliseconds or an RFC 3339 time; limit
            String path = "/api/v1/workers/" + WORKER + "/metrics";
            assertThat(get(app, path + "?since=" + (System.currentTimeMillis() + 3_600_000))).isEmpty();
            assertThat(get(app, path + "?since=2000-01-01T00:00:00Z")).hasSize(3);
            assertThat(get(app, path)).as("the default is the last hour").hasSize(3);
            assertThat(get(app, path + "?since=0&limit=2")).extracting(s -> s.get("cpuUsage").asDouble())
                    .containsExactly(10.5, 20.25);
            assertError(app.http.get(path + "?since=yesterday", TestApp.admin()), 400, null, "since");
            assertError(app.http.get(path + "?since=0&limit=0", TestApp.admin()), 400, null, "limit");
            assertError(app.http.get("/api/v1/workers/nobody/metrics?since=0", TestApp.admin()), 404, null, null);

            // A worker that leaves takes its history with it; registering again starts afresh
            assertThat(Gateway.unregister(app, WORKER).status()).isEqualTo(200);
            Gateway.registerOk(app, WORKER, "http://localhost:8001");
            assertThat(Gateway.metrics(app, WORKER)).isEmpty();
            assertThat(Gateway.worker(app, WORKER).get("lastMetrics").isNull()).isTrue();
        }
    }

    @DbTest
    void samplesOlderThanSevenDaysArePruned(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (TestApp app = TestApp.start(db, Map.of(), clock)) {
            WorkerMetrics metrics = app.app().features().metrics();
            Gateway.registerOk(app, WORKER, "http://localhost:8001");
            Gateway.heartbeatOk(app, WORKER, "{\"cpuUsage\": 1.0}");
            awaitSamples(app, WORKER, 1);

            clock.advance(Duration.ofDays(6));
            Gateway.heartbeatOk(app, WORKER, "{\"cpuUsage\": 2.0}");
            awaitSamples(app, WORKER, 2);
            assertThat(metrics.prune()).as("six days old: kept").isZero();

            clock.advance(Duration.ofDays(1).plusMinutes(1));
            Gateway.heartbeatOk(app, WORKER, "{\"cpuUsage\": 3.0}");
            awaitSamples(app, WORKER, 3);
            assertThat(metrics.prune()).as("seven days and a minute old: pruned").isEqualTo(1);
            assertThat(Gateway.metrics(app, WORKER)).extracting(s -> s.get("cpuUsage").asDouble())
                    .containsExactly(2.0, 3.0);
            assertThat(metrics.prune()).isZero();

            clock.advance(Duration.ofDays(30));
            assertThat(metrics.prune()).isEqualTo(2);
            assertThat(Gateway.metrics(app, WORKER)).isEmpty();
        }
    }

    @DbTest
    void theRetentionPeriodIsConfigurable(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (TestApp app = TestApp.start(db, Map.of("VECTIS_METRICS_RETENTION_DAYS", "2"), clock)) {
            WorkerMetrics metrics = app.app().features().metrics();
            Gateway.registerOk(app, WORKER, "http://localhost:8001");
            Gateway.heartbeatOk(app, WORKER, "{\"cpuUsage\": 1.0}");
            awaitSamples(app, WORKER, 1);
            clock.advance(Duration.ofDays(1));
            Gateway.heartbeatOk(app, WORKER, "{\"cpuUsage\": 2.0}");
            awaitSamples(app, WORKER, 2);
            clock.advance(Duration.ofDays(1).plusMinutes(1));

            assertThat(metrics.prune()).as("two days and a minute old, with a two-day retention").isEqualTo(1);
            assertThat(Gateway.metrics(app, WORKER)).extracting(s -> s.get("cpuUsage").asDouble())
                    .containsExactly(2.0);
        }
        assertThatThrownBy(() -> TestApp.start(db, Map.of("VECTIS_METRICS_RETENTION_DAYS", "0")).close())
                .as("a retention of zero days is refused at start").isInstanceOf(RuntimeException.class);
    }

    static List<JsonNode> awaitSamples(TestApp app, String workerId, int count) {
        @SuppressWarnings("unchecked")
        List<JsonNode>[] last = new List[1];
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            last[0] = Gateway.list(Gateway.metrics(app, workerId));
            assertThat(last[0]).as("metrics samples of %s after the batch flush", workerId).hasSize(count);
        });
        return last[0];
    }

    private static List<JsonNode> get(TestApp app, String path) {
        Http.Response r = app.http.get(path, TestApp.admin());
        assertThat(r.status()).as("%s: %s", path, r.body()).isEqualTo(200);
        return Gateway.list(r.json().get("data").get("metrics"));
    }
}
