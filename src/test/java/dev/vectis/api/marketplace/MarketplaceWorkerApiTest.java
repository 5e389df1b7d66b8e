package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.auth.HmacSignature;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** How the server calls workers: signed for enrolled agents, no redirects, capped answers; and request ids. */
class MarketplaceWorkerApiTest {

    static final String SECRET = "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6abcd";

    @DbTest
    void anEnrolledAgentGivenABaseUrlHostsSessionsAndIsCalledWithSignatures(TestDatabase db) {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            Http.Response enrolled = app.http.post("/api/v1/workers",
                    "{\"ip\":\"203.0.113.5\",\"secret\":\"" + SECRET + "\"}", TestApp.worker());
            assertThat(enrolled.status()).as(enrolled.body()).isEqualTo(201);
            String workerId = enrolled.json().get("id").asText();

            Http.Response patched = app.http.method("PATCH", "/admin/workers/" + workerId,
                    "{\"base_url\":\"" + fake.url() + "\",\"max_sessions\":2}", TestApp.admin()[0], TestApp.admin()[1],
                    "Content-Type", "application/json");
            assertThat(patched.status()).as(patched.body()).isEqualTo(200);
            assertThat(patched.json().get("base_url").asText()).isEqualTo(fake.url());
            assertThat(Market.workerView(app, workerId).get("max_sessions").asInt()).isEqualTo(2);

            String productId = Market.product(app, "VPS", 10, workerId);
            JsonNode user = Market.user(app, "agent@example.com", 10);
            String token = user.get("token").asText();
            String sessionId = Market.bought(app, token, "k", productId).get("id").asText();
            Market.awaitStatus(app, token, sessionId, "ready");

            FakeVmWorker.Call create = fake.calls("POST", "/vm-loso").get(0);
            assertThat(create.header(HmacSignature.WORKER_HEADER)).isEqualTo(workerId);
            assertThat(HmacSignature.verify(HmacSignature.key(SECRET), "POST", "/vm-loso",
                    create.header(HmacSignature.TIMESTAMP_HEADER), create.body().getBytes(StandardCharsets.UTF_8),
                    create.header(HmacSignature.SIGNATURE_HEADER), Instant.now()))
                    .as("the create call is signed with the worker's secret").isTrue();
            String route = fake.routes().get(0);
            FakeVmWorker.Call log = fake.calls("GET", "/log/" + route).get(0);
            assertThat(HmacSignature.verify(HmacSignature.key(SECRET), "GET", "/log/" + route,
                    log.header(HmacSignature.TIMESTAMP_HEADER), new byte[0], log.header(HmacSignature.SIGNATURE_HEADER),
                    Instant.now())).as("the log call is signed").isTrue();
            assertThat(create.body()).doesNotContain(SECRET);
            assertThat(Market.session(app, token, sessionId).body()).doesNotContain("203.0.113.5")
                    .doesNotContain(workerId);
        }
    }

    @DbTest
    void aRedirectFromTheWorkerIsNotFollowed(TestDatabase db) {
        try (FakeVmWorker fake = FakeVmWorker.start(); FakeVmWorker elsewhere = FakeVmWorker.start("elsewhere");
             TestApp app = Market.start(db)) {
            fake.createRedirect = elsewhere.url() + "/vm-loso";
            String workerId = Market.worker(app, fake, 3);
            String productId = Market.product(app, "VPS", 10, workerId);
            JsonNode user = Market.user(app, "redirect@example.com", 10);
            Http.Response r = Market.purchase(app, user.get("token").asText(), "k", productId);
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            MarketplaceWorkerFailureTest.assertFailedAndRefunded(app, user.get("token").asText(),
                    user.get("id").asText(), r.json().get("id").asText(), workerId, fake, 10, 10);
            assertThat(elsewhere.calls()).as("the redirect was not followed").isEmpty();
        }
    }

    @DbTest
    void anOversizedLogIsRefused(TestDatabase db) {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            String workerId = Market.worker(app, fake, 3);
            String productId = Market.product(app, "VPS", 10, workerId);
            String token = Market.user(app, "big@example.com", 10).get("token").asText();
            String sessionId = Market.bought(app, token, "k", productId).get("id").asText();
            Market.awaitStatus(app, token, sessionId, "ready");
            fake.logPadding = 3 << 20;
            Http.Response log = app.http.get("/vps/sessions/" + sessionId + "/log", Market.bearer(token));
            assertThat(log.status()).as("a log over the size cap is not relayed").isNotEqualTo(200);
            assertThat(log.body().length()).isLessThan(10_000);
            fake.logPadding = 0;
            assertThat(app.http.get("/vps/sessions/" + sessionId + "/log", Market.bearer(token)).status()).isEqualTo(200);
        }
    }

    @DbTest
    void ledgerEntriesCarryTheRequestIdOfTheChange(TestDatabase db) {
        try (FakeVmWorker fake = FakeVmWorker.start(); TestApp app = Market.start(db)) {
            String userId = Market.user(app, "rid@example.com", 0).get("id").asText();
            Http.Response add = Market.coins(app, userId, "add", 50, "top-up");
            String requestId = add.header("X-Request-Id");
            assertThat(requestId).isNotBlank();
            assertThat(add.json().get("entry").get("request_id").asText()).isEqualTo(requestId);
            assertThat(add.json().get("entry").get("actor").asText()).isNotBlank();

            String workerId = Market.worker(app, fake, 3);
            String productId = Market.product(app, "VPS", 20, workerId);
            String token = app.http.post("/admin/users/" + userId + "/tokens", "", TestApp.admin()).json()
                    .get("token").asText();
            Http.Response bought = Market.purchase(app, token, "k", productId);
            List<JsonNode> purchases = Market.entriesWithOp(app, userId, "purchase");
            assertThat(purchases).hasSize(1);
            assertThat(purchases.get(0).get("request_id").asText()).isEqualTo(bought.header("X-Request-Id"));
            assertThat(purchases.get(0).get("actor").asText()).contains(userId);
        }
    }
}
