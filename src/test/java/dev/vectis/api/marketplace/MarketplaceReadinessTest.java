package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * Real workers write free-form logs at their own pace. Readiness and failure are decided by
 * rules on the log, set per product (or by configuration), and the session says which rule
 * decided.
 */
class MarketplaceReadinessTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    static List<String> texts(JsonNode array) {
        return MarketplaceAdminTest.texts(array);
    }

    @DbTest
    void aWindowsWorkersLogMakesTheVmReadyAndTheChecklistFollowsIt(TestDatabase db) {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            fake.style = FakeVmWorker.Style.WINDOWS;
            fake.lineEvery = Duration.ofMillis(1500);
            String workerId = Market.worker(app, fake, 3);
            String productId = Market.product(app, "Windows VPS", 10, workerId);
            JsonNode user = Market.user(app, "win@example.com", 10);
            String token = user.get("token").asText();
            String sessionId = Market.bought(app, token, "k", productId).get("id").asText();

            try (SseStream s = SseStream.open(app.http.base(), "/vps/sessions/" + sessionId + "/events",
                    "Authorization", "Bearer " + token)) {
                s.await("the worker's log has begun", f -> f.event().equals("checklist.update")
                        && MarketplaceEventsTest.checklist(f).get("vm_starting")
                        && !MarketplaceEventsTest.checklist(f).get("vm_ready"), WAIT);
                SseStream.Frame done = s.await("the VM ready", f -> f.event().equals("checklist.update")
                        && MarketplaceEventsTest.checklist(f).get("vm_ready"), WAIT);
                JsonNode readyItem = done.json().get("items").get(4);
                assertThat(readyItem.get("key").asText()).isEqualTo("vm_ready");
                assertThat(readyItem.get("detail").asText()).contains("ready_patterns[");
            }
            JsonNode session = Market.awaitStatus(app, token, sessionId, "ready");
            assertThat(session.get("status_reason").asText()).as("which rule decided")
                    .contains("of the worker's log matched ready_patterns[");
            assertThat(Market.balance(app, user.get("id").asText())).as("nothing refunded").isZero();
            assertThat(fake.calls("POST", "/stop/")).as("a ready VM is left running").isEmpty();
            // The RDP line already matched a ready pattern; the worker writes its last line a little later.
            Awaitility.await("the worker's whole log").atMost(WAIT).untilAsserted(() -> {
                Http.Response log = app.http.get("/vps/sessions/" + sessionId + "/log", Market.bearer(token));
                assertThat(log.status()).isEqualTo(200);
                assertThat(log.body()).contains("Created Windows 10", "IP: 203.0.113.7", "RDP: Admin/", "VM is ready!");
            });
        }
    }

    @DbTest
    void aLinuxWorkersRunningLineMakesTheVmReady(TestDatabase db) {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            fake.style = FakeVmWorker.Style.LINUX;
            String workerId = Market.worker(app, fake, 3);
            String productId = Market.product(app, "Linux VPS", 10, workerId);
            String token = Market.user(app, "linux@example.com", 10).get("token").asText();
            String sessionId = Market.bought(app, token, "k", productId).get("id").asText();
            JsonNode session = Market.awaitStatus(app, token, sessionId, "ready");
            assertThat(session.get("status_reason").asText()).contains("Line 4").contains("ready_patterns[0]");
            assertThat(Market.adminSession(app, sessionId).get("log_lines").asInt()).isEqualTo(4);
        }
    }

    @DbTest
    void aFailureLineFailsTheSessionStopsTheVmAndRefunds(TestDatabase db) {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            fake.style = FakeVmWorker.Style.WINDOWS;
            fake.failWith = "Error: no capacity for Windows 10";
            String workerId = Market.worker(app, fake, 1);
            String productId = Market.product(app, "Windows VPS", 30, workerId);
            JsonNode user = Market.user(app, "nocap@example.com", 30);
            String token = user.get("token").asText();
            String sessionId = Market.bought(app, token, "k", productId).get("id").asText();

            MarketplaceWorkerFailureTest.assertFailedAndRefunded(app, token, user.get("id").asText(), sessionId,
                    workerId, fake, 30, 30);
            JsonNode session = Market.session(app, token, sessionId).json();
            assertThat(session.get("error").asText()).contains("Error: no capacity for Windows 10")
                    .contains("failure_patterns[0]").contains("line 5");
            assertThat(session.get("status_reason").asText()).isEqualTo(session.get("error").asText());
            assertThat(fake.calls("POST", "/stop/")).as("the failed VM is stopped on its worker").hasSize(1);
        }
    }

    @DbTest
    void anErrorTheWorkerRecoversFromAtItsOwnPaceIsNotAFailure(TestDatabase db) {
        try (FakeVmWorker fake = FakeVmWorker.start();
             TestApp app = Market.start(db, Map.of("VECTIS_MARKETPLACE_FAILURE_QUIET_SECONDS", "6"))) {
            fake.style = FakeVmWorker.Style.WINDOWS;
            // Slower than the server reads: the error line is the log's last for a few reads.
            fake.lineEvery = java.time.Duration.ofMillis(2500);
            fake.extraLines = List.of("Error: download timed out, retrying (1/3)");
            String workerId = Market.worker(app, fake, 1);
            String productId = Market.product(app, "Windows VPS", 30, workerId);
            String token = Market.user(app, "retry@example.com", 30).get("token").asText();
            String sessionId = Market.bought(app, token, "k", productId).get("id").asText();
            JsonNode session = Market.awaitStatus(app, token, sessionId, "ready");
            assertThat(session.get("status_reason").asText()).contains("ready_patterns");
            assertThat(fake.calls("POST", "/stop/")).isEmpty();
        }
    }

    @DbTest
    void operatorRulesPerProductDecideAndReadBack(TestDatabase db) {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            fake.style = FakeVmWorker.Style.WINDOWS;
            String workerId = Market.worker(app, fake, 5);
            // Ready as soon as the worker knows the address; no failure rules at all.
            String early = Market.productWith(app, "Early", Map.of("ready_patterns", List.of("^IP: \\S+$"),
                    "failure_patterns", List.of()), workerId);
            JsonNode p = Market.adminProduct(app, early);
            assertThat(texts(p.get("ready_patterns"))).containsExactly("^IP: \\S+$");
            assertThat(p.get("failure_patterns")).isEmpty();
            assertThat(p.get("on_provision_timeout").asText()).isEqualTo("refund");
            assertThat(p.get("provision_timeout_seconds").asInt()).isEqualTo(900);
            assertThat(texts(p.get("defaults_from_config"))).containsExactlyInAnyOrder("redact_patterns",
                    "on_provision_timeout", "provision_timeout_seconds");
            assertThat(app.http.get("/vps/products").body()).as("rules are not for the public")
                    .doesNotContain("ready_patterns");

            String token = Market.user(app, "rules@example.com", 100).get("token").asText();
            String first = Market.bought(app, token, "k1", early).get("id").asText();
            assertThat(Market.awaitStatus(app, token, first, "ready").get("status_reason").asText())
                    .contains("ready_patterns[0] ^IP: \\S+$");

            // A worker's own failure wording, which the defaults do not know.
            fake.failWith = "Provisioning aborted: quota exhausted";
            String custom = Market.productWith(app, "Custom failure",
                    Map.of("failure_patterns", List.of("^Provisioning aborted")), workerId);
            String second = Market.bought(app, token, "k2", custom).get("id").asText();
            assertThat(Market.awaitStatus(app, token, second, "failed").get("error").asText())
                    .contains("failure_patterns[0] ^Provisioning aborted");

            // null returns a field to the configured default; an omitted field stays.
            Http.Response reset = Market.patchProduct(app, early, "{\"ready_patterns\":null,"
                    + "\"on_provision_timeout\":\"keep\",\"provision_timeout_seconds\":600}");
            assertThat(reset.status()).as(reset.body()).isEqualTo(200);
            JsonNode after = reset.json();
            assertThat(texts(after.get("ready_patterns"))).isEqualTo(
                    texts(Market.adminProduct(app, custom).get("ready_patterns")));
            assertThat(after.get("failure_patterns")).as("left as it was").isEmpty();
            assertThat(after.get("on_provision_timeout").asText()).isEqualTo("keep");
            assertThat(after.get("provision_timeout_seconds").asInt()).isEqualTo(600);
            assertThat(texts(after.get("defaults_from_config"))).containsExactlyInAnyOrder("ready_patterns",
                    "redact_patterns");
            assertThat(Market.patchProduct(app, early, "{\"name\":\"Renamed\"}").json().get("on_provision_timeout")
                    .asText()).isEqualTo("keep");
        }
    }

    @DbTest
    void configuredDefaultsApplyToProductsWithoutRulesOfTheirOwn(TestDatabase db) {
        try (FakeVmWorker fake = FakeVmWorker.start();
             TestApp app = Market.start(db, Map.of("VECTIS_MARKETPLACE_READY_PATTERNS", "^Created Windows\n^IP: ",
                     "VECTIS_MARKETPLACE_ON_PROVISION_TIMEOUT", "keep"))) {
            fake.style = FakeVmWorker.Style.WINDOWS;
            fake.lineEvery = Duration.ofMillis(1);
            String workerId = Market.worker(app, fake, 3);
            String productId = Market.product(app, "Windows VPS", 10, workerId);
            JsonNode p = Market.adminProduct(app, productId);
            assertThat(texts(p.get("ready_patterns"))).containsExactly("^Created Windows", "^IP: ");
            assertThat(p.get("on_provision_timeout").asText()).isEqualTo("keep");
            assertThat(texts(p.get("defaults_from_config"))).contains("ready_patterns", "on_provision_timeout");

            String token = Market.user(app, "defaults@example.com", 10).get("token").asText();
            String sessionId = Market.bought(app, token, "k", productId).get("id").asText();
            // "VM is ready!" matches no configured pattern; the last line that does is the IP line.
            assertThat(Market.awaitStatus(app, token, sessionId, "ready").get("status_reason").asText())
                    .contains("Line 4").contains("ready_patterns[1] ^IP: ");
        }
    }

    @DbTest
    void rulesAreCheckedAtTheApiWithTheFieldNamed(TestDatabase db) {
        try (TestApp app = Market.start(db)) {
            String w = Market.registerWorker(app, "w", "http://192.168.1.100:4000", 3).json().get("id").asText();
            String base = "{\"name\":\"x\",\"price_coins\":1,\"provision_action\":1,\"worker_ids\":[\"" + w + "\"],";
            Map<String, String> cases = new java.util.LinkedHashMap<>();
            cases.put("\"ready_patterns\":[\"ok\",\"(unclosed\"]}", "ready_patterns[1]");
            cases.put("\"failure_patterns\":[\".*\"]}", "failure_patterns[0]");
            cases.put("\"redact_patterns\":[\"" + "a".repeat(501) + "\"]}", "redact_patterns[0]");
            cases.put("\"redact_patterns\":[null]}", "redact_patterns[0]");
            cases.put("\"ready_patterns\":" + Market.json(java.util.Collections.nCopies(21, "a")) + "}",
                    "ready_patterns");
            cases.put("\"ready_patterns\":{\"a\":1}}", "ready_patterns");
            cases.put("\"on_provision_timeout\":\"explode\"}", "on_provision_timeout");
            cases.put("\"provision_timeout_seconds\":5}", "provision_timeout_seconds");
            cases.put("\"provision_timeout_seconds\":\"soon\"}", "provision_timeout_seconds");
            for (Map.Entry<String, String> c : cases.entrySet()) {
                Http.Response r = app.http.post("/admin/vps-products", base + c.getKey(), TestApp.admin());
                assertThat(r.status()).as("%s: %s", c.getKey(), r.body()).isEqualTo(400);
                assertThat(r.json().get("field").asText()).as(c.getKey()).isEqualTo(c.getValue());
                assertThat(r.json().get("message").asText()).as(c.getKey()).contains(c.getValue());
            }
            assertThat(app.http.get("/admin/vps-products", TestApp.admin()).json()).as("nothing created").isEmpty();

            String id = Market.productWith(app, "ok", Map.of("ready_patterns", List.of("^ok$")), w);
            Http.Response bad = Market.patchProduct(app, id, "{\"ready_patterns\":[\"[z-a]\"]}");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().get("field").asText()).isEqualTo("ready_patterns[0]");
            assertThat(texts(Market.adminProduct(app, id).get("ready_patterns"))).as("unchanged")
                    .containsExactly("^ok$");
        }
    }

    /** Operator patterns that backtrack without end cost one line each, not the server's threads. */
    @DbTest
    void aBacktrackingPatternDoesNotHoldUpReadinessOrTheLog(TestDatabase db) {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            fake.style = FakeVmWorker.Style.WINDOWS;
            fake.lineEvery = Duration.ofMillis(1);
            fake.extraLines = List.of("x".repeat(8000));
            String workerId = Market.worker(app, fake, 3);
            String hostileRules = Market.productWith(app, "Hostile rules", Map.of(
                    "ready_patterns", List.of("(x+x+)+y", "VM is ready"),
                    "failure_patterns", List.of("(x+x+)+z"),
                    "redact_patterns", List.of("Upstream session (\\S+)")), workerId);
            String hostileRedaction = Market.productWith(app, "Hostile redaction", Map.of(
                    "redact_patterns", List.of("(x+x+)+y", "Upstream session (\\S+)")), workerId);
            String token = Market.user(app, "regex@example.com", 20).get("token").asText();

            String first = Market.bought(app, token, "k1", hostileRules).get("id").asText();
            assertThat(Market.awaitStatus(app, token, first, "ready").get("status_reason").asText())
                    .contains("Line 7").contains("ready_patterns[1]");
            Http.Response plain = app.http.get("/vps/sessions/" + first + "/log", Market.bearer(token));
            assertThat(plain.body()).as("nothing to hide on that line").contains("x".repeat(8000));

            String second = Market.bought(app, token, "k2", hostileRedaction).get("id").asText();
            Market.awaitStatus(app, token, second, "ready");
            Http.Response log = app.http.get("/vps/sessions/" + second + "/log", Market.bearer(token));
            assertThat(log.status()).isEqualTo(200);
            assertThat(log.body()).as("a line the redaction could not check is not shown")
                    .contains("[redacted: this line could not be checked]").doesNotContain("xxxxxxxx")
                    .contains("Upstream session [redacted]").contains("VM is ready!")
                    .doesNotContain(fake.upstreamToken);
        }
    }
}
