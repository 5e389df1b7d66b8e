package dev.vectis.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vectis.providers.TestKeys;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The operator console in a real browser, each scenario on H2 and on PostgreSQL, one Chromium
 * for them all. Each saves a screenshot under target/console-screenshots.
 */
@RealBrowser
class ConsoleBrowserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Browser browser;

    @BeforeAll
    static void startBrowser() {
        browser = Browser.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @AfterEach
    void leavePage() {
        browser.reset();
    }

    @DbTest
    void signInShowsTheOverviewLiveAndFitsAPhone(TestDatabase db) {
        try (TestApp app = start(db, Map.of())) {
            browser.at(app.http.base()).signIn(TestApp.ADMIN_TOKEN);
            browser.waitForText("main h1", "Overview");
            browser.visible("#workers-stats");
            browser.waitForText("#conn", "live");
            assertThat(browser.script("return sessionStorage.getItem('vectis.token')")).isEqualTo(TestApp.ADMIN_TOKEN);
            assertThat((String) browser.script("return location.href")).doesNotContain(TestApp.ADMIN_TOKEN);
            assertThat(browser.all("#nav a")).extracting(e -> e.getText())
                    .containsExactly("Overview", "Fleet", "Jobs", "Sessions", "Money", "Providers", "Events");
            browser.screenshot("sign-in-" + db.engine());

            browser.resize(360, 780);
            browser.waitFor(d -> ((Number) browser.script("return document.documentElement.scrollWidth")).intValue() <= 360,
                    "the page to fit 360 px");
            browser.screenshot("overview-360px-" + db.engine());
            browser.resize(1280, 900);
            browser.assertNoPageErrors();
        }
    }

    @DbTest
    void aRegisteredWorkerAppearsInTheFleetAndGoesOfflineLive(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (TestApp app = TestApp.start(db, env(Map.of("VECTIS_HEARTBEAT_SILENCE_HOLD_SECONDS", "0")), clock)) {
            browser.at(app.http.base()).signIn(TestApp.ADMIN_TOKEN);
            browser.go("/console/fleet");
            browser.waitForText("main h1", "Fleet");
            browser.waitForText("#conn", "live");
            registerChatWorker(app, "browser-worker-1");
            String row = "tr[data-worker='browser-worker-1']";
            browser.waitForText(row, "online");
            clock.advance(Duration.ofSeconds(120));
            browser.waitForText(row, "offline");
            assertThat((String) browser.script("return performance.getEntriesByType('navigation').length + ''"))
                    .as("no reload").isEqualTo("1");
            browser.screenshot("fleet-offline-" + db.engine());
            browser.assertNoPageErrors();
        }
    }

    @DbTest
    void aSubmittedJobsOutputStreamsIntoItsPage(TestDatabase db) throws IOException {
        try (TestApp app = start(db, Map.of())) {
            browser.at(app.http.base()).signIn(TestApp.ADMIN_TOKEN);
            browser.go("/console/jobs");
            browser.click("details.card summary");
            browser.visible("#submit-job textarea").sendKeys("echo hello");
            browser.find("#submit-job input[type=file]").sendKeys(bundle().toAbsolutePath().toString());
            browser.click("#submit-job button[type=submit]");
            browser.waitFor(d -> d.getCurrentUrl().matches(".*/console/jobs/[^/?]+$"), "the job's page");
            String url = browser.script("return location.pathname").toString();
            String jobId = url.substring(url.lastIndexOf('/') + 1);
            browser.waitForText("#job-status", "pending");

            Http.Response reg = app.http.post("/api/workers/register", "{\"workerId\": \"browser-exec\", "
                    + "\"hostname\": \"browser-exec\"}", TestApp.worker());
            assertThat(reg.status()).as(reg.body()).isEqualTo(200);
            Http.Response claim = app.http.get("/api/jobs/get-job?workerId=browser-exec", TestApp.worker());
            assertThat(claim.json().get("job").get("jobId").asText()).isEqualTo(jobId);
            browser.waitForText("#job-status", "running");
            for (String line : new String[] {"hello from the worker\n", "second line\n"}) {
                assertThat(app.http.post("/api/jobs/stream-output", "{\"jobId\": \"" + jobId + "\", \"workerId\": "
                        + "\"browser-exec\", \"data\": \"" + line.replace("\n", "\\n") + "\", \"type\": \"stdout\", "
                        + "\"attempt\": 1}", TestApp.worker()).status()).isEqualTo(200);
            }
            browser.waitForText("#job-output", "hello from the worker");
            browser.waitForText("#job-output", "second line");
            assertThat(app.http.post("/api/jobs/submit-result", "{\"jobId\": \"" + jobId + "\", \"workerId\": "
                    + "\"browser-exec\", \"stdout\": \"hello\", \"stderr\": \"\", \"exitCode\": 0, \"attempt\": 1}",
                    TestApp.worker()).status()).isEqualTo(200);
            browser.waitForText("#job-status", "completed");
            browser.screenshot("job-output-" + db.engine());
            browser.assertNoPageErrors();
        }
    }

    @DbTest
    void aProviderIsApproved(TestDatabase db) {
        try (TestApp app = start(db, Map.of())) {
            String provider = registerProvider(app, "browser@example.com");
            browser.at(app.http.base()).signIn(TestApp.ADMIN_TOKEN);
            browser.go("/console/providers");
            String card = "[data-provider='" + provider + "']";
            browser.visible("#pending-providers " + card);
            browser.click(card + " button[data-action=approve]");
            browser.visible("#dialog-reason").sendKeys("checked by phone");
            browser.click("#dialog-confirm");
            browser.waitForText("#other-providers " + card, "approved");
            browser.waitGone("#pending-providers " + card);
            JsonNode approved = app.http.get("/admin/providers?status=approved", TestApp.admin()).json();
            assertThat(approved.get("providers").get(0).get("provider_id").asText()).isEqualTo(provider);
            browser.screenshot("provider-approved-" + db.engine());
            browser.assertNoPageErrors();
        }
    }

    @DbTest
    void coinsAreAdjustedAndTheLedgerShowsTheEntry(TestDatabase db) {
        try (TestApp app = start(db, Map.of())) {
            String user = createUser(app, "coins@example.com", 10);
            browser.at(app.http.base()).signIn(TestApp.ADMIN_TOKEN);
            browser.go("/console/money/users/" + user);
            browser.waitForText("#balance", "10");
            browser.visible("#adjust-coins input[name=amount]").sendKeys("25");
            browser.find("#adjust-coins input[name=reason]").sendKeys("browser bonus");
            browser.click("#adjust-coins button[type=submit]");
            browser.waitForText("#balance", "35");
            browser.waitForText("tr[data-entry]", "browser bonus");
            browser.waitForText("tr[data-entry]", "+25");
            JsonNode ledger = app.http.get("/admin/users/" + user + "/ledger", TestApp.admin()).json();
            assertThat(ledger.get("entries").get(0).get("delta").asLong()).isEqualTo(25);
            assertThat(ledger.get("entries").get(0).get("balance_after").asLong()).isEqualTo(35);
            long keys = app.app().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT COUNT(*) FROM idempotency_keys WHERE idem_key LIKE 'console-%'").mapTo(Long.class).one());
            assertThat(keys).as("the page's idempotency key").isEqualTo(1);
            browser.screenshot("coins-adjusted-" + db.engine());

            // A change made elsewhere reaches the open page over the event stream, without a reload.
            Http.Response viaApi = app.http.method("PATCH", "/admin/users/" + user + "/coins",
                    "{\"op\": \"sub\", \"amount\": 5, \"reason\": \"api correction\"}", "Authorization",
                    "Bearer " + TestApp.ADMIN_TOKEN, "Content-Type", "application/json");
            assertThat(viaApi.status()).as(viaApi.body()).isEqualTo(200);
            browser.waitForText("#balance", "30");
            browser.waitForText("tr[data-entry]", "api correction");
            browser.assertNoPageErrors();
        }
    }

    @DbTest
    void aQrCodeIsAnImageWhenItIsAnImageDataUrlAndTextOtherwise(TestDatabase db) {
        try (TestApp app = start(db, Map.of())) {
            registerChatWorker(app, "qr-worker");
            Map<String, String> codes = Map.of("qr-image", "data:image/png;base64,iVBORw0KGgo=", "qr-text",
                    "2@pairing-code,not-an-image");
            codes.forEach((session, code) -> {
                Http.Response r = app.http.post("/api/v1/webhooks/session-status", "{\"event\": \"qr_ready\", "
                        + "\"sessionId\": \"" + session + "\", \"workerId\": \"qr-worker\", \"data\": {\"status\": "
                        + "\"qr_required\", \"qrCode\": \"" + code + "\"}}", TestApp.worker());
                assertThat(r.status()).as(r.body()).isEqualTo(200);
            });
            browser.at(app.http.base()).signIn(TestApp.ADMIN_TOKEN);
            browser.go("/console/sessions/chat/qr-image");
            browser.visible("img#qr");
            assertThat(browser.all("#qr-text")).isEmpty();
            browser.go("/console/sessions/chat/qr-text");
            browser.waitForText("#qr-text", "2@pairing-code,not-an-image");
            assertThat(browser.all("#qr")).as("not loaded as an image").isEmpty();
            browser.assertNoPageErrors();
        }
    }

    @DbTest
    void aViewerSeesNoActionsAndTheApiRefusesThemAnyway(TestDatabase db) {
        try (TestApp app = start(db, Map.of())) {
            registerChatWorker(app, "browser-worker-2");
            String provider = registerProvider(app, "viewer@example.com");
            String user = createUser(app, "viewed@example.com", 5);
            Http.Response issued = app.http.post("/api/v1/tokens", "{\"name\": \"wall screen\", \"role\": \"viewer\"}",
                    TestApp.admin());
            assertThat(issued.status()).as(issued.body()).isEqualTo(201);
            String viewer = issued.json().get("data").get("token").asText();
            String[] auth = {"Authorization", "Bearer " + viewer};

            browser.at(app.http.base()).signIn(viewer);
            browser.waitForText("#who", "viewer");
            browser.go("/console/fleet/browser-worker-2");
            browser.waitForText("main h1", "browser-worker-2");
            assertThat(browser.all("[data-action]")).as("worker actions").isEmpty();
            browser.screenshot("viewer-worker-" + db.engine());
            browser.go("/console/providers");
            browser.visible("[data-provider='" + provider + "']");
            assertThat(browser.all("[data-action]")).as("provider actions").isEmpty();
            browser.go("/console/money/users/" + user);
            browser.waitForText("#balance", "5");
            assertThat(browser.all("#adjust-coins")).as("the coins form").isEmpty();
            browser.assertNoPageErrors();

            assertThat(app.http.post("/api/v1/fleet/workers/browser-worker-2/drain", "{}", auth).status())
                    .isEqualTo(403);
            assertThat(app.http.post("/admin/providers/" + provider + "/approve", "{}", auth).status()).isEqualTo(403);
            assertThat(app.http.method("PATCH", "/admin/users/" + user + "/coins", "{\"op\": \"add\", \"amount\": 1}",
                    auth[0], auth[1], "Content-Type", "application/json").status()).isEqualTo(403);
            assertThat(app.http.post("/api/jobs/create", "{\"command\": \"x\", \"fileUrl\": \"/uploads/a.zip\", "
                    + "\"filename\": \"a.zip\"}", auth).status()).isEqualTo(403);
        }
    }

    @DbTest
    void theConsoleReconnectsAndResumesAfterTheServerRestarts(TestDatabase db) throws IOException {
        Map<String, String> env = env(Map.of("VECTIS_SERVER_PORT", Integer.toString(freePort())));
        TestApp first = TestApp.start(db, env);
        try {
            browser.at(first.http.base()).signIn(TestApp.ADMIN_TOKEN);
            browser.go("/console/events");
            browser.waitForText("main h1", "Events");
            browser.waitForText("#conn", "live");
            registerChatWorker(first, "before-restart");
            browser.waitForText("#events", "before-restart");
        } finally {
            first.close();
        }
        browser.waitForText("#conn", "reconnecting");
        browser.screenshot("reconnecting-" + db.engine());
        try (TestApp second = TestApp.start(db, env)) {
            browser.waitForText("#conn", "live");
            registerChatWorker(second, "after-restart");
            browser.waitForText("#events", "after-restart");
            assertThat(browser.all("#events li[data-event]")).as("each event once").hasSize(2);
            assertThat(browser.script("return performance.getEntriesByType('navigation').length + ''"))
                    .as("no reload").isEqualTo("1");
            browser.screenshot("reconnected-" + db.engine());
        }
    }

    private static TestApp start(TestDatabase db, Map<String, String> extra) {
        return TestApp.start(db, env(extra));
    }

    private static Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("VECTIS_PROVIDERS_BCRYPT_COST", "4");
        env.putAll(extra);
        return env;
    }

    private static void registerChatWorker(TestApp app, String id) {
        // Each worker its own endpoint: two workers may not share one.
        int port = 10_000 + Math.floorMod(id.hashCode(), 50_000);
        Http.Response r = app.http.post("/api/v1/workers/register", "{\"workerId\": \"" + id + "\", \"endpoint\": "
                + "\"http://127.0.0.1:" + port + "\", \"maxSessions\": 5, \"status\": \"ONLINE\"}", TestApp.worker());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    private static String registerProvider(TestApp app, String email) {
        ObjectNode body = JSON.createObjectNode();
        body.put("name", "Browser Compute");
        body.put("email", email);
        body.put("organization", "Browser Corp");
        body.put("public_key", TestKeys.pkix(TestKeys.rsa(2048)));
        body.putArray("endpoints").addObject().put("type", "api").put("url", "https://api.browser.example")
                .put("protocol", "https").put("secure", true);
        body.put("terms", true);
        Http.Response r = app.http.post("/api/v1/registration/register", body.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("provider_id").asText();
    }

    private static String createUser(TestApp app, String email, int coins) {
        Http.Response r = app.http.post("/admin/users", "{\"email\": \"" + email + "\", \"name\": \"Browser User\", "
                + "\"password\": \"a-long-password-1\", \"coins\": " + coins + "}", TestApp.admin());
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    private static Path bundle() throws IOException {
        Path zip = Files.createTempFile("vectis-bundle", ".zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("run.sh"));
            out.write("echo hello\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return zip;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
