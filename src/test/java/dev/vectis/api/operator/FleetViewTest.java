package dev.vectis.api.operator;

import static dev.vectis.api.operator.FleetCalls.ids;
import static dev.vectis.api.operator.FleetCalls.list;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.HoldsTransactionsOpen;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/** One view of every worker of every contract: one vocabulary, filters, orders and pages. */
@HoldsTransactionsOpen
class FleetViewTest {

    @DbTest
    void everyContractsWorkersInOneVocabulary(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            FleetCalls.registerExecutor(app, "exec-1", 3);
            Http.Response gw = app.http.post("/api/v1/workers/register", """
                    {"workerId": "gw-1", "endpoint": "http://localhost:8001", "maxSessions": 40,
                     "status": "MAINTENANCE", "version": "2.1.0", "environment": "PRODUCTION"}""", TestApp.worker());
            assertThat(gw.status()).as(gw.body()).isEqualTo(200);
            Http.Response enrolled = app.http.post("/api/v1/workers", """
                    {"ip": "198.51.100.7", "secret": "%s", "hostname": "agent-box"}""".formatted("s".repeat(40)),
                    TestApp.worker());
            assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(201);
            String agent = enrolled.json().get("id").asText();
            Http.Response host = app.http.post("/admin/workers/register", """
                    {"name": "vm-host", "base_url": "http://127.0.0.1:9", "max_sessions": 5}""", TestApp.admin());
            assertThat(host.status()).as(host.body()).isEqualTo(201);
            String vmHost = host.json().get("id").asText();

            JsonNode data = list(app, "");
            assertThat(data.get("count").asInt()).isEqualTo(4);
            assertThat(data.get("nextCursor").isNull()).isTrue();
            Map<String, JsonNode> byId = new java.util.HashMap<>();
            data.get("workers").forEach(w -> byId.put(w.get("id").asText(), w));

            JsonNode exec = byId.get("exec-1");
            assertThat(texts(exec.get("contracts"))).containsExactly("command-executor");
            assertThat(exec.get("state").asText()).isEqualTo("online");
            assertThat(exec.get("online").asBoolean()).isTrue();
            assertThat(Instant.parse(exec.get("lastHeardAt").asText())).isNotNull();
            assertThat(exec.get("labels").isObject()).isTrue();
            assertThat(exec.get("labels").size()).isZero();
            assertThat(exec.get("load").get("jobs").asInt()).isZero();
            assertThat(exec.get("load").get("sessions").asInt()).isZero();
            assertThat(exec.get("capacity").get("jobs").asInt()).isEqualTo(3);
            assertThat(exec.get("capacity").get("sessions").isNull()).isTrue();
            assertThat(exec.get("lastMetrics").isNull()).isTrue();
            assertThat(exec.get("name").asText()).isEqualTo("exec-1.local");

            JsonNode chat = byId.get("gw-1");
            assertThat(texts(chat.get("contracts"))).containsExactly("session-worker-gateway");
            assertThat(chat.get("state").asText()).as("what the worker reports").isEqualTo("maintenance");
            assertThat(chat.get("capacity").get("sessions").asInt()).isEqualTo(40);
            assertThat(chat.get("capacity").get("jobs").isNull()).isTrue();
            assertThat(chat.get("endpoint").asText()).isEqualTo("http://localhost:8001");

            assertThat(texts(byId.get(agent).get("contracts"))).containsExactly("fleet-registration", "command-executor");
            assertThat(byId.get(agent).get("address").asText()).isEqualTo("198.51.100.7");
            assertThat(texts(byId.get(vmHost).get("contracts"))).containsExactly("vps-marketplace");
            assertThat(byId.get(vmHost).get("capacity").get("sessions").asInt()).isEqualTo(5);
            assertThat(byId.get(vmHost).get("name").asText()).isEqualTo("vm-host");

            assertThat(ids(list(app, "?contract=command-executor").get("workers")))
                    .containsExactlyInAnyOrder("exec-1", agent);
            assertThat(ids(list(app, "?contract=session-worker-gateway,vps-marketplace").get("workers")))
                    .containsExactlyInAnyOrder("gw-1", vmHost);
            assertThat(ids(list(app, "?state=maintenance").get("workers"))).containsExactly("gw-1");
            assertThat(ids(list(app, "?q=AGENT-BOX").get("workers"))).containsExactly(agent);
            assertThat(ids(list(app, "?q=" + URLEncoder.encode("127.0.0.1:9", StandardCharsets.UTF_8))
                    .get("workers"))).containsExactly(vmHost);
            assertThat(list(app, "?q=%25").get("count").asInt()).as("% is a character, not a wildcard").isZero();
            assertThat(list(app, "?label=os%3Dlinux").get("count").asInt()).as("no worker carries labels yet").isZero();

            // Its newest heartbeat sample, once the heartbeat flush has written it
            Http.Response beat = app.http.method("PUT", "/api/v1/workers/gw-1/heartbeat", """
                    {"status": "MAINTENANCE", "cpuUsage": 45.5, "memoryUsage": 67.8, "uptime": 3600,
                     "sessions": {"total": 2, "connected": 2}, "timestamp": "2030-01-01T00:00:00.000Z"}""",
                    TestApp.worker());
            assertThat(beat.status()).as(beat.body()).isEqualTo(200);
            Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(FleetCalls.worker(app, "gw-1").get("lastMetrics").isObject()).isTrue());
            JsonNode metrics = FleetCalls.worker(app, "gw-1").get("lastMetrics");
            assertThat(metrics.get("cpuUsage").asDouble()).isEqualTo(45.5);
            assertThat(metrics.get("sessions").get("connected").asInt()).isEqualTo(2);
            assertThat(metrics.get("reportedAt").asText()).isEqualTo("2030-01-01T00:00:00.000Z");

            // One worker, and the same through the contracts' own listings, which keep their words
            assertThat(FleetCalls.worker(app, "gw-1").get("state").asText()).isEqualTo("maintenance");
            JsonNode gatewayList = app.http.get("/api/v1/workers", TestApp.admin()).json().get("data");
            JsonNode listed = null;
            for (JsonNode w : gatewayList.get("workers")) {
                listed = w.get("workerId").asText().equals("gw-1") ? w : listed;
            }
            assertThat(listed.get("status").asText()).isEqualTo("MAINTENANCE");
            FleetCalls.act(app, vmHost, "drain");
            JsonNode market = app.http.get("/admin/workers", TestApp.admin()).json();
            assertThat(market.get(0).get("status").asText()).as("the marketplace's word for it").isEqualTo("disabled");
        }
    }

    @DbTest
    void badQueriesAreRefusedInTheOperatorShape(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            FleetCalls.registerExecutor(app, "exec-1", 1);
            FleetCalls.registerExecutor(app, "exec-2", 1);
            for (String[] bad : new String[][] {
                    {"?state=asleep", "state"}, {"?contract=smtp", "contract"}, {"?sort=name", "sort"},
                    {"?order=up", "order"}, {"?limit=0", "limit"}, {"?limit=1001", "limit"},
                    {"?cursor=%21%21", "cursor"}, {"?cursor=bm9wZQ", "cursor"}, {"?label=gpu", "label"},
                    {"?q=" + "x".repeat(201), "q"}}) {
                Http.Response r = app.http.get("/api/v1/fleet/workers" + bad[0], TestApp.admin());
                assertThat(r.status()).as("%s: %s", bad[0], r.body()).isEqualTo(400);
                assertThat(r.json().get("success").asBoolean()).isFalse();
                assertThat(r.json().get("error").asText()).contains(bad[1]);
                assertThat(r.json().get("code").asText()).isEqualTo("INVALID_REQUEST");
            }
            String cursor = list(app, "?limit=1&sort=lastHeardAt").get("nextCursor").asText();
            Http.Response otherOrder = app.http.get("/api/v1/fleet/workers?limit=1&sort=id&cursor=" + cursor,
                    TestApp.admin());
            assertThat(otherOrder.status()).isEqualTo(400);
            assertThat(app.http.get("/api/v1/fleet/workers", TestApp.worker()).status()).isEqualTo(403);
            assertThat(app.http.get("/api/v1/fleet/workers").status()).isEqualTo(401);
            Http.Response missing = app.http.get("/api/v1/fleet/workers/nobody", TestApp.admin());
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.json().get("code").asText()).isEqualTo("WORKER_NOT_FOUND");
            assertThat(app.http.method("POST", "/api/v1/fleet/workers/nobody/drain", null, TestApp.admin()).status())
                    .isEqualTo(404);
            assertThat(app.http.post("/api/v1/fleet/workers/exec-1/drain", "[1]", TestApp.admin()).status())
                    .isEqualTo(400);
            assertThat(app.http.post("/api/v1/fleet/workers/exec-1/drain",
                    "{\"reason\": \"" + "r".repeat(501) + "\"}", TestApp.admin()).status()).isEqualTo(400);
        }
    }

    /** Ten thousand workers, walked page by page in every order, with and without filters. */
    @DbTest
    void pagesThroughTenThousandWorkersInEachOrder(TestDatabase db) {
        // Heard from long ago, but the liveness sweep leaves them as they are for the test's length.
        try (TestApp app = TestApp.start(db, Map.of("VECTIS_HEARTBEAT_OFFLINE_AFTER_SECONDS", "86400"))) {
            List<Row> rows = insertWorkers(app, 10_000);
            // Each order in each direction, walked to the end: three whole, three through a filter.
            for (String order : List.of("id:desc", "lastHeardAt:asc", "state:desc")) {
                String[] o = order.split(":");
                List<String> expected = sorted(rows, o[0], o[1]).stream().map(Row::id).toList();
                assertThat(walk(app, "sort=" + o[0] + "&order=" + o[1], 1000, expected.size())).as(order)
                        .isEqualTo(expected);
            }
            List<String> hosts = sorted(rows, "id", "asc").stream()
                    .filter(r -> r.enrolledVia().equals("marketplace")).map(Row::id).toList();
            assertThat(walk(app, "contract=vps-marketplace", 500, hosts.size())).isEqualTo(hosts);
            List<String> online = sorted(rows, "lastHeardAt", "desc").stream()
                    .filter(r -> r.state().equals("online")).map(Row::id).toList();
            assertThat(walk(app, "state=online&sort=lastHeardAt&order=desc", 700, online.size())).isEqualTo(online);
            List<String> paused = sorted(rows, "state", "asc").stream()
                    .filter(r -> List.of("drained", "disabled", "maintenance").contains(r.state())).map(Row::id).toList();
            assertThat(walk(app, "state=drained&state=disabled,maintenance&sort=state", 700, paused.size()))
                    .isEqualTo(paused);
            assertThat(ids(list(app, "?q=w-0999&sort=id&order=desc").get("workers")))
                    .containsExactly("w-09999", "w-09998", "w-09997", "w-09996", "w-09995", "w-09994", "w-09993",
                            "w-09992", "w-09991", "w-09990");
        }
    }

    /** Follows nextCursor to the end; each page's count is the whole match. */
    private static List<String> walk(TestApp app, String query, int limit, int total) {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode data = list(app, "?" + query + "&limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(data.get("count").asInt()).isEqualTo(total);
            seen.addAll(ids(data.get("workers")));
            cursor = data.get("nextCursor").isNull() ? null : data.get("nextCursor").asText();
        } while (cursor != null && seen.size() <= total);
        return seen;
    }

    private record Row(String id, String enrolledVia, String status, boolean online, long lastSeenAt) {

        String state() {
            if (status.equals("draining")) {
                return "drained";
            }
            if (!status.equals("active")) {
                return status;
            }
            return online ? "online" : "offline";
        }
    }

    private static List<Row> sorted(List<Row> rows, String sort, String order) {
        Comparator<Row> c = switch (sort) {
            case "id" -> Comparator.comparing(Row::id);
            case "lastHeardAt" -> Comparator.comparingLong(Row::lastSeenAt).thenComparing(Row::id);
            default -> Comparator.comparing(Row::state).thenComparing(Row::id);
        };
        return rows.stream().sorted(order.equals("desc") ? c.reversed() : c).toList();
    }

    /** Workers of every kind and status, many heard from at the same moment, so ties are common. */
    private static List<Row> insertWorkers(TestApp app, int n) {
        String[] kinds = {"executor", "fleet", "gateway", "marketplace"};
        String[] statuses = {"active", "active", "active", "disabled", "maintenance", "draining"};
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new Row("w-%05d".formatted(i), kinds[i % kinds.length], statuses[(i / 4) % statuses.length],
                    i % 7 != 0, 1_700_000_000_000L + (i * 7919L) % 1000));
        }
        app.app().database().jdbi().useTransaction(h -> {
            var batch = h.prepareBatch("INSERT INTO workers (id, enrolled_via, hostname, base_url, status, online, "
                    + "last_seen_at, created_at, updated_at) VALUES (:id, :kind, :host, :url, :status, :online, :seen, "
                    + ":seen, :seen)");
            for (Row r : rows) {
                batch.bind("id", r.id()).bind("kind", r.enrolledVia()).bind("host", r.id() + ".example")
                        .bind("url", r.enrolledVia().equals("marketplace") ? "http://" + r.id() + ".example" : null)
                        .bind("status", r.status()).bind("online", r.online()).bind("seen", r.lastSeenAt()).add();
            }
            batch.execute();
        });
        return rows;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
