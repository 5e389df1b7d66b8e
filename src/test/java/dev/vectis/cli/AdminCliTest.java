package dev.vectis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vectis.providers.TestKeys;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/** `vectis admin` against a live server: nodes, tokens, coins, providers, sessions; --json; exit statuses 4 and 5. */
class AdminCliTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @DbTest
    void tokensAreIssuedListedAndRevokedAndEachRoleIsHeldToItsOwn(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Cli admin = Cli.against(app);
            Cli.Result created = admin.admin("tokens", "create", "--name", "night shift", "--role", "operator");
            assertThat(created.exit()).as(created.toString()).isZero();
            String secret = created.out().strip();
            assertThat(secret).as("stdout holds the secret alone, for $(…)").startsWith("vectis_tok_").doesNotContain("\n");
            assertThat(created.err()).contains("night shift").contains("operator").contains("cannot be shown again");

            Cli.Result list = admin.admin("tokens", "list");
            assertThat(list.exit()).as(list.toString()).isZero();
            assertThat(list.header()).containsExactly("ID", "NAME", "ROLE", "STATE", "CREATED", "LAST USED", "EXPIRES",
                    "CREATED BY");
            assertThat(list.rows()).hasSize(1);
            String id = list.rows().get(0)[0];
            assertThat(list.rows().get(0)).contains("night shift", "operator", "active", "admin-config");
            assertThat(list.out()).doesNotContain(secret.substring(11));

            JsonNode json = admin.admin("tokens", "list", "--json").json();
            assertThat(json.get("data").get("tokens").get(0).get("id").asText()).isEqualTo(id);

            // The operator reads, but tokens are the admin's: 403 is exit 5, with the API's message.
            Cli operator = Cli.against(app, secret);
            assertThat(operator.admin("nodes", "list").exit()).isZero();
            Cli.Result refused = operator.admin("tokens", "list");
            assertThat(refused.exit()).as(refused.toString()).isEqualTo(5);
            assertThat(refused.err()).startsWith("vectis admin: GET /api/v1/tokens: HTTP 403: ADMIN_REQUIRED: ")
                    .contains("(request ");
            assertThat(refused.out()).isEmpty();

            Cli.Result revoked = admin.admin("tokens", "revoke", id);
            assertThat(revoked.exit()).as(revoked.toString()).isZero();
            assertThat(revoked.out().strip()).isEqualTo(id + " revoked");
            Cli.Result unknownToken = operator.admin("nodes", "list");
            assertThat(unknownToken.exit()).as("a revoked token is 401: %s", unknownToken).isEqualTo(5);
            assertThat(unknownToken.err()).contains("HTTP 401");
            assertThat(unknownToken.out() + unknownToken.err()).doesNotContain(secret);

            Cli.Result missing = admin.admin("tokens", "revoke", "tok_nosuchtoken0000");
            assertThat(missing.exit()).as(missing.toString()).isEqualTo(4);
            assertThat(missing.err()).contains("HTTP 404: TOKEN_NOT_FOUND");

            Cli.Result badRole = admin.admin("tokens", "create", "--name", "x", "--role", "superuser");
            assertThat(badRole.exit()).as("a 400 is exit 1: %s", badRole).isEqualTo(1);
            assertThat(badRole.err()).contains("HTTP 400").contains("role");
            for (Cli.Result r : List.of(created, list, refused, revoked, missing, badRole)) {
                assertThat(r.out() + r.err()).doesNotContain(TestApp.ADMIN_TOKEN);
            }
        }
    }

    @DbTest
    void nodesAreListedAsATableOrAsTheApisJson(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Cli.Result table = Cli.against(app).admin("nodes", "list");
            assertThat(table.exit()).as(table.toString()).isZero();
            assertThat(table.header()).containsExactly("ID", "ADDRESS", "VERSION", "STARTED", "LAST SEEN", "LOOPS",
                    "ANSWERED");
            assertThat(table.rows()).hasSize(1);
            assertThat(table.rows().get(0)[table.rows().get(0).length - 1]).isEqualTo("yes");

            JsonNode json = Cli.against(app).admin("nodes", "list", "--json").json();
            assertThat(json.get("count").asInt()).isEqualTo(1);
            assertThat(json.get("nodes").get(0).get("id").asText()).isEqualTo(table.rows().get(0)[0]);
            assertThat(json).isEqualTo(app.http.get("/admin/nodes", TestApp.admin()).json().deepCopy()
                    .<ObjectNode>require().set("nodes", json.get("nodes")));
        }
    }

    @DbTest
    void theConfigFileIsEnoughToTalkToTheServer(TestDatabase db) throws IOException {
        try (TestApp app = TestApp.start(db)) {
            Path home = Cli.emptyHome();
            Path file = home.resolve(".config/vectis/admin.yaml");
            Files.createDirectories(file.getParent());
            Files.writeString(file, "server: " + app.http.base() + "/\ntoken: " + TestApp.ADMIN_TOKEN + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            Cli.Result r = new Cli(Map.of(), home).admin("nodes", "list");
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.rows()).hasSize(1);
        }
    }

    @DbTest
    void coinsAreAdjustedOnceEachAndTheLedgerSaysWhy(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Http.Response user = app.http.post("/admin/users", "{\"email\": \"ann@example.com\", \"name\": \"Ann\"}",
                    TestApp.admin());
            assertThat(user.status()).as(user.body()).isEqualTo(201);
            String id = user.json().get("id").asText();
            Cli cli = Cli.against(app);

            Cli.Result add = cli.admin("coins", "adjust", id, "+100", "--reason", "welcome");
            assertThat(add.exit()).as(add.toString()).isZero();
            assertThat(add.out().strip()).isEqualTo(id + " 100 coins (+100)");
            assertThat(cli.admin("coins", "adjust", id, "-30", "--reason", "refund reversed").out().strip())
                    .isEqualTo(id + " 70 coins (-30)");
            JsonNode set = cli.admin("coins", "adjust", id, "500", "--set", "--reason", "reset", "--json").json();
            assertThat(set.get("coins").asLong()).isEqualTo(500);
            assertThat(set.get("entry").get("op").asText()).isEqualTo("set");

            // The same key twice: the second replays the first, and the balance moves once.
            for (int i = 0; i < 2; i++) {
                Cli.Result again = cli.admin("coins", "adjust", id, "7", "--reason", "retried",
                        "--idempotency-key", "cli-test-key-1");
                assertThat(again.exit()).as(again.toString()).isZero();
                assertThat(again.out().strip()).isEqualTo(id + " 507 coins (+7)");
            }
            JsonNode ledger = app.http.get("/admin/users/" + id + "/ledger", TestApp.admin()).json();
            assertThat(ledger.get("count").asInt()).isEqualTo(4);
            assertThat(ledger.get("entries").get(0).get("reason").asText()).isEqualTo("retried");

            Cli.Result overdraw = cli.admin("coins", "adjust", id, "-10000", "--reason", "too much");
            assertThat(overdraw.exit()).as(overdraw.toString()).isEqualTo(1);
            assertThat(overdraw.err()).contains("HTTP 409: insufficient_coins: ");
            Cli.Result nobody = cli.admin("coins", "adjust", "u_nobody", "+1", "--reason", "x");
            assertThat(nobody.exit()).as(nobody.toString()).isEqualTo(4);
        }
    }

    @DbTest
    void providersAreListedApprovedAndSuspended(TestDatabase db) {
        try (TestApp app = TestApp.start(db, Map.of("VECTIS_PROVIDERS_BCRYPT_COST", "4"))) {
            String id = registerProvider(app, "acme@example.com");
            Cli cli = Cli.against(app);
            Cli.Result pending = cli.admin("providers", "list", "--status", "pending");
            assertThat(pending.exit()).as(pending.toString()).isZero();
            assertThat(pending.rows()).hasSize(1);
            assertThat(pending.rows().get(0)).contains(id, "ACME Compute Provider", "acme@example.com", "pending");

            Cli.Result approved = cli.admin("providers", "approve", id);
            assertThat(approved.exit()).as(approved.toString()).isZero();
            assertThat(approved.out().strip()).isEqualTo(id + " approved");
            assertThat(cli.admin("providers", "list", "--status", "pending").rows()).isEmpty();

            Cli.Result suspended = cli.admin("providers", "suspend", id, "--reason", "unpaid invoices", "--json");
            assertThat(suspended.exit()).as(suspended.toString()).isZero();
            assertThat(suspended.json().get("status").asText()).isEqualTo("suspended");
            assertThat(suspended.json().get("status_reason").asText()).isEqualTo("unpaid invoices");
            JsonNode all = cli.admin("providers", "list", "--json").json();
            assertThat(all.get("total").asInt()).isEqualTo(1);
            assertThat(cli.admin("providers", "list").rows().get(0)).contains("suspended", "unpaid invoices");

            Cli.Result bad = cli.admin("providers", "list", "--status", "sleeping");
            assertThat(bad.exit()).as(bad.toString()).isEqualTo(1);
            assertThat(bad.err()).contains("HTTP 400").contains("status");
            assertThat(cli.admin("providers", "approve", "00000000-0000-4000-8000-000000000000").exit()).isEqualTo(4);
        }
    }

    @DbTest
    void sessionsOfEveryUserAreListed(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            // A host that refuses connections: the purchase is recorded, fails and is refunded.
            Http.Response worker = app.http.post("/admin/workers/register",
                    "{\"name\": \"gone\", \"base_url\": \"http://127.0.0.1:1\"}", TestApp.admin());
            assertThat(worker.status()).as(worker.body()).isEqualTo(201);
            ObjectNode product = MAPPER.createObjectNode().put("name", "Small VM").put("price_coins", 10)
                    .put("provision_action", 2);
            product.putArray("worker_ids").add(worker.json().get("id").asText());
            Http.Response p = app.http.post("/admin/vps-products", product.toString(), TestApp.admin());
            assertThat(p.status()).as(p.body()).isEqualTo(201);
            Http.Response user = app.http.post("/admin/users", "{\"email\": \"bo@example.com\", \"name\": \"Bo\", "
                    + "\"coins\": 50}", TestApp.admin());
            Http.Response bought = app.http.post("/vps/purchase-and-create", "{\"product_id\": \""
                    + p.json().get("id").asText() + "\"}", "Authorization", "Bearer " + user.json().get("token").asText(),
                    "Idempotency-Key", "k1");
            assertThat(bought.status()).as(bought.body()).isEqualTo(201);
            String sessionId = bought.json().get("id").asText();

            Cli cli = Cli.against(app);
            Cli.Result list = cli.admin("sessions", "list");
            assertThat(list.exit()).as(list.toString()).isZero();
            assertThat(list.header()).containsExactly("ID", "USER", "PRODUCT", "STATUS", "WORKER", "PRICE", "CREATED",
                    "FLAGGED");
            assertThat(list.rows()).hasSize(1);
            assertThat(list.rows().get(0)).contains(sessionId, user.json().get("id").asText(), "Small VM", "10", "no");
            JsonNode json = cli.admin("sessions", "list", "--json").json();
            assertThat(json.get("sessions").get(0).get("id").asText()).isEqualTo(sessionId);
            assertThat(cli.admin("sessions", "list", "--status", "ready").rows()).isEmpty();
        }
    }

    @DbTest
    void aWorkersLabelsAreShownAndReplaced(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Http.Response r = app.http.post("/api/workers/register", "{\"workerId\": \"lab-1\", \"hostname\": "
                    + "\"lab-1\", \"os\": \"linux\", \"cpuCount\": 2, \"version\": \"1\"}", TestApp.worker());
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            Cli cli = Cli.against(app);
            assertThat(cli.admin("workers", "labels", "lab-1").out().strip()).isEqualTo("lab-1 -");

            Cli.Result set = cli.admin("workers", "labels", "lab-1", "--set", "os=linux,gpu=true");
            assertThat(set.exit()).as(set.toString()).isZero();
            assertThat(set.out().strip()).isEqualTo("lab-1 gpu=true,os=linux");
            JsonNode json = cli.admin("workers", "labels", "lab-1", "--json").json();
            assertThat(json.get("data").get("labels").toString()).isEqualTo("{\"gpu\":\"true\",\"os\":\"linux\"}");
            assertThat(cli.admin("workers", "labels", "lab-1", "--set", "os=bsd").out().strip()).isEqualTo("lab-1 os=bsd");
            assertThat(cli.admin("workers", "labels", "lab-1", "--clear").out().strip()).isEqualTo("lab-1 -");

            assertThat(cli.admin("workers", "labels", "lab-1", "--set", "gpu").exit()).isEqualTo(2);
            assertThat(cli.admin("workers", "labels", "lab-1", "--set", "a=1", "--clear").exit()).isEqualTo(2);
            Cli.Result refused = cli.admin("workers", "labels", "lab-1", "--set", "os=li$nux");
            assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
            assertThat(refused.err()).contains("HTTP 400: INVALID_REQUEST: labels");
            assertThat(cli.admin("workers", "labels", "no-such-worker").exit()).isEqualTo(4);
        }
    }

    @DbTest
    void theAuditLogShowsWhatWasDoneWithTheCli(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Cli cli = Cli.against(app);
            String secret = cli.admin("tokens", "create", "--name", "ops", "--role", "operator").out().strip();
            String id = cli.admin("tokens", "list", "--json").json().get("data").get("tokens").get(0).get("id").asText();
            Cli.Result refused = Cli.against(app, secret).admin("tokens", "revoke", id);
            assertThat(refused.exit()).isEqualTo(5);
            String requestId = refused.err().replaceAll("(?s).*\\(request ([^)]+)\\).*", "$1").strip();

            Cli.Result log = cli.admin("audit", "list");
            assertThat(log.exit()).as(log.toString()).isZero();
            assertThat(log.header()).containsExactly("ID", "AT", "ACTOR", "ROLE", "ACTION", "TARGET", "STATUS", "OUTCOME",
                    "REQUEST");
            assertThat(log.rows()).hasSize(2);
            assertThat(log.rows().get(0)).as("newest first: the refused revocation, with the id the error showed")
                    .contains("ops", "operator", "DELETE /api/v1/tokens/{tokenId}", "/api/v1/tokens/" + id, "403", "denied",
                            requestId);
            assertThat(log.rows().get(1)).contains("admin-config", "admin", "POST /api/v1/tokens", "201", "success");
            JsonNode byOps = cli.admin("audit", "list", "--actor", "ops", "--json").json();
            assertThat(byOps.get("data").get("entries")).hasSize(1);
            assertThat(cli.admin("audit", "list", "--action", "POST ").rows()).hasSize(1);
        }
    }

    private static String registerProvider(TestApp app, String email) {
        ObjectNode body = MAPPER.createObjectNode().put("name", "ACME Compute Provider").put("email", email)
                .put("public_key", TestKeys.pkix(TestKeys.rsa(2048))).put("terms", true);
        body.putArray("endpoints").addObject().put("url", "https://api.acme.com");
        Http.Response r = app.http.post("/api/v1/registration/register", body.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("provider_id").asText();
    }
}
