package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.HandSigned;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Instant;
import java.util.List;

/** Who may call what: admin token on /admin/**, user tokens (API or login JWT) on /vps/** and /me. */
class MarketplaceAuthTest {

    static final List<String[]> ADMIN_GETS = List.of(
            new String[] {"GET", "/admin/users"},
            new String[] {"GET", "/admin/workers"},
            new String[] {"GET", "/admin/vps-products"});

    @DbTest
    void usersAreCreatedListedAndFetchedByTheAdmin(TestDatabase db) {
        try (TestApp app = Market.start(db)) {
            Http.Response r = Market.createUser(app, "Alice@Example.com", "Alice", "correct horse", 250L);
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            JsonNode u = r.json();
            assertThat(u.get("id").asText()).isNotBlank();
            assertThat(u.get("email").asText()).isEqualTo("Alice@Example.com");
            assertThat(u.get("name").asText()).isEqualTo("Alice");
            assertThat(u.get("coins").asLong()).isEqualTo(250);
            assertThat(Instant.parse(u.get("created_at").asText())).isNotNull();
            assertThat(u.get("token").asText()).isNotBlank();
            assertThat(r.body()).doesNotContain("correct horse");

            Http.Response noCoins = Market.createUser(app, "bob@example.com", "Bob", null, null);
            assertThat(noCoins.status()).isEqualTo(201);
            assertThat(noCoins.json().get("coins").asLong()).isZero();

            Http.Response got = app.http.get("/admin/users/" + u.get("id").asText(), TestApp.admin());
            assertThat(got.status()).isEqualTo(200);
            assertThat(got.json().get("email").asText()).isEqualTo("Alice@Example.com");
            assertThat(got.json().get("coins").asLong()).isEqualTo(250);
            assertThat(got.json().has("token")).as("the token is shown once").isFalse();

            Http.Response list = app.http.get("/admin/users?limit=1", TestApp.admin());
            assertThat(list.status()).isEqualTo(200);
            assertThat(list.json().get("users")).hasSize(1);
            assertThat(list.json().get("next_cursor").isNull()).isFalse();
            Http.Response next = app.http.get("/admin/users?limit=1&cursor=" + list.json().get("next_cursor").asText(),
                    TestApp.admin());
            assertThat(next.json().get("users")).hasSize(1);
            assertThat(next.json().get("users").get(0).get("id").asText())
                    .isNotEqualTo(list.json().get("users").get(0).get("id").asText());

            for (String bad : List.of("{\"name\":\"x\"}", "{\"email\":\"not-an-email\",\"name\":\"x\"}",
                    "{\"email\":\"x@example.com\"}", "{\"email\":\"y@example.com\",\"name\":\"y\",\"password\":\"short\"}",
                    "{\"email\":\"z@example.com\",\"name\":\"z\",\"coins\":-1}")) {
                assertThat(app.http.post("/admin/users", bad, TestApp.admin()).status()).as(bad).isEqualTo(400);
            }
        }
    }

    @DbTest
    void aDuplicateEmailInAnyCaseIs409(TestDatabase db) {
        try (TestApp app = Market.start(db)) {
            assertThat(Market.createUser(app, "dup@example.com", "One", null, null).status()).isEqualTo(201);
            Http.Response again = Market.createUser(app, "DUP@Example.COM", "Two", null, null);
            assertThat(again.status()).as(again.body()).isEqualTo(409);
            assertThat(again.json().get("error").asText()).isEqualTo("email_taken");
            assertThat(app.http.get("/admin/users", TestApp.admin()).json().get("users")).hasSize(1);
        }
    }

    @DbTest
    void userTokensAreForbiddenOnAdminPathsAndTheAdminTokenOnUserPaths(TestDatabase db) {
        try (TestApp app = Market.start(db)) {
            JsonNode user = Market.user(app, "u@example.com", 10);
            String id = user.get("id").asText();
            String token = user.get("token").asText();
            String[] asUser = Market.bearer(token);

            List<Http.Response> adminCalls = List.of(
                    app.http.get("/admin/users", asUser),
                    app.http.get("/admin/users/" + id, asUser),
                    app.http.get("/admin/users/" + id + "/ledger", asUser),
                    app.http.post("/admin/users", "{\"email\":\"x@example.com\",\"name\":\"x\"}", asUser),
                    app.http.post("/admin/users/" + id + "/tokens", "", asUser),
                    app.http.method("PATCH", "/admin/users/" + id + "/coins", "{\"op\":\"add\",\"amount\":1000}",
                            asUser[0], asUser[1], "Content-Type", "application/json"),
                    app.http.post("/admin/workers/register", "{\"base_url\":\"http://example.com\"}", asUser),
                    app.http.get("/admin/workers", asUser),
                    app.http.post("/admin/vps-products", "{\"name\":\"x\",\"price_coins\":1,\"provision_action\":1}",
                            asUser),
                    app.http.get("/admin/vps-products", asUser));
            for (Http.Response r : adminCalls) {
                assertThat(r.status()).as("user token on /admin: %s", r.body()).isEqualTo(403);
            }
            assertThat(Market.balance(app, id)).as("the user could not give itself coins").isEqualTo(10);

            String[] asAdmin = TestApp.admin();
            List<Http.Response> userCalls = List.of(
                    app.http.get("/me", asAdmin),
                    app.http.get("/me/ledger", asAdmin),
                    app.http.get("/vps/sessions", asAdmin),
                    app.http.get("/vps/sessions/x", asAdmin),
                    app.http.post("/vps/purchase-and-create", "{\"product_id\":\"x\"}", asAdmin[0], asAdmin[1],
                            "Idempotency-Key", "k1"));
            for (Http.Response r : userCalls) {
                assertThat(r.status()).as("admin token on a user path: %s", r.body()).isEqualTo(403);
            }
            Http.Response workerOnUser = app.http.get("/me", TestApp.worker());
            assertThat(workerOnUser.status()).as("a worker token is not a user either").isEqualTo(403);
        }
    }

    @DbTest
    void noTokenOrAWrongOneIs401(TestDatabase db) {
        try (TestApp app = Market.start(db)) {
            String id = Market.user(app, "u@example.com", 10).get("id").asText();
            for (Http.Response r : List.of(
                    app.http.get("/admin/users"),
                    app.http.get("/admin/users/" + id),
                    app.http.get("/admin/workers"),
                    app.http.method("PATCH", "/admin/users/" + id + "/coins", "{\"op\":\"add\",\"amount\":1}",
                            "Content-Type", "application/json"),
                    app.http.get("/me"),
                    app.http.get("/me/ledger"),
                    app.http.get("/vps/sessions"),
                    app.http.get("/vps/sessions/x/log"),
                    app.http.post("/vps/purchase-and-create", "{\"product_id\":\"x\"}", "Idempotency-Key", "k"),
                    app.http.get("/me", "Authorization", "Bearer vu_not-a-real-token"),
                    app.http.get("/me", "Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.bad"),
                    app.http.get("/admin/users", "Authorization", "Bearer wrong-admin-token"))) {
                assertThat(r.status()).as(r.body()).isEqualTo(401);
            }
            assertThat(Market.balance(app, id)).isEqualTo(10);
        }
    }

    @DbTest
    void aLoginJwtWithSenselessTimesIsA401InTheHouseShape(TestDatabase db) {
        try (TestApp app = Market.start(db)) {
            String id = Market.user(app, "times@example.com", 1).get("id").asText();
            long now = System.currentTimeMillis() / 1000;
            String base = "{\"iss\":\"vectis\",\"aud\":\"vectis-users\",\"sub\":\"" + id + "\",\"jti\":\"j1\",\"iat\":"
                    + now;
            for (String claims : List.of(base + ",\"exp\":1e30}", base + ",\"exp\":\"tomorrow\"}",
                    base + ",\"exp\":" + (now + 60) + ",\"nbf\":1e30}")) {
                String token = HandSigned.jwt(claims, app.app().jwtKey().bytes());
                Http.Response r = app.http.get("/me", Market.bearer(token));
                assertThat(r.status()).as(claims + ": " + r.body()).isEqualTo(401);
                assertThat(r.json().get("error").asText()).isEqualTo("unauthorized");
                assertThat(r.json().get("message").asText()).startsWith("Invalid or expired token");
                assertThat(app.http.post("/auth/logout", "", Market.bearer(token)).status()).isEqualTo(401);
            }
        }
    }

    @DbTest
    void loginGivesAJwtThatWorksOnMe(TestDatabase db) {
        try (TestApp app = Market.start(db)) {
            Http.Response created = Market.createUser(app, "Login@Example.com", "Login", "s3cret-passw0rd", 42L);
            assertThat(created.status()).isEqualTo(201);
            String id = created.json().get("id").asText();

            Http.Response login = app.http.post("/auth/login",
                    "{\"email\":\"login@example.com\",\"password\":\"s3cret-passw0rd\"}");
            assertThat(login.status()).as(login.body()).isEqualTo(200);
            String jwt = login.json().get("token").asText();
            assertThat(jwt).isNotBlank();
            assertThat(Instant.parse(login.json().get("expires_at").asText())).isAfter(Instant.now());

            Http.Response me = app.http.get("/me", Market.bearer(jwt));
            assertThat(me.status()).as(me.body()).isEqualTo(200);
            assertThat(me.json().get("id").asText()).isEqualTo(id);
            assertThat(me.json().get("email").asText()).isEqualTo("Login@Example.com");
            assertThat(me.json().get("coins").asLong()).isEqualTo(42);
            assertThat(app.http.get("/vps/sessions", Market.bearer(jwt)).status()).isEqualTo(200);
            assertThat(app.http.get("/admin/users", Market.bearer(jwt)).status()).as("a JWT is not the admin")
                    .isEqualTo(403);

            Http.Response wrong = app.http.post("/auth/login",
                    "{\"email\":\"login@example.com\",\"password\":\"wrong-password\"}");
            assertThat(wrong.status()).as(wrong.body()).isEqualTo(401);
            assertThat(wrong.body()).doesNotContain("token\":\"");
            Http.Response unknown = app.http.post("/auth/login",
                    "{\"email\":\"nobody@example.com\",\"password\":\"s3cret-passw0rd\"}");
            assertThat(unknown.status()).isEqualTo(401);
            assertThat(unknown.json().get("message").asText()).isEqualTo(wrong.json().get("message").asText());

            Http.Response noPassword = Market.createUser(app, "nopw@example.com", "NoPw", null, null);
            assertThat(noPassword.status()).isEqualTo(201);
            assertThat(app.http.post("/auth/login", "{\"email\":\"nopw@example.com\",\"password\":\"anything-at-all\"}")
                    .status()).as("a user without a password cannot log in").isEqualTo(401);
            assertThat(app.http.post("/auth/login", "{\"email\":\"login@example.com\"}").status()).isEqualTo(400);
        }
    }

    @DbTest
    void aNewTokenWorksAndTheOldOneStillWorks(TestDatabase db) {
        try (TestApp app = Market.start(db)) {
            JsonNode user = Market.user(app, "tokens@example.com", 7);
            String id = user.get("id").asText();
            String old = user.get("token").asText();

            Http.Response issued = app.http.post("/admin/users/" + id + "/tokens", "", TestApp.admin());
            assertThat(issued.status()).as(issued.body()).isIn(200, 201);
            String fresh = issued.json().get("token").asText();
            assertThat(fresh).isNotBlank().isNotEqualTo(old);

            for (String token : List.of(fresh, old)) {
                Http.Response me = app.http.get("/me", Market.bearer(token));
                assertThat(me.status()).as(me.body()).isEqualTo(200);
                assertThat(me.json().get("id").asText()).isEqualTo(id);
                assertThat(me.json().get("coins").asLong()).isEqualTo(7);
            }
            assertThat(app.http.post("/admin/users/00000000-0000-0000-0000-000000000000/tokens", "", TestApp.admin())
                    .status()).isEqualTo(404);
        }
    }

    private static String login(TestApp app, String email, String password) {
        Http.Response r = app.http.post("/auth/login", "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("token").asText();
    }

    private static int me(TestApp app, String token) {
        return app.http.get("/me", Market.bearer(token)).status();
    }

    @DbTest
    void usersEndOneTokenOrAllOfThemAndTheAdminCanEndAll(TestDatabase db) {
        try (TestApp app = Market.start(db)) {
            Http.Response created = Market.createUser(app, "rev@example.com", "Rev", "s3cret-passw0rd", 5L);
            String id = created.json().get("id").asText();
            String api1 = created.json().get("token").asText();
            String api2 = app.http.post("/admin/users/" + id + "/tokens", "", TestApp.admin()).json().get("token").asText();
            String jwt1 = login(app, "rev@example.com", "s3cret-passw0rd");
            String jwt2 = login(app, "rev@example.com", "s3cret-passw0rd");

            Http.Response out = app.http.post("/auth/logout", "", Market.bearer(jwt1));
            assertThat(out.status()).as(out.body()).isEqualTo(204);
            assertThat(me(app, jwt1)).as("a logged-out JWT").isEqualTo(401);
            assertThat(app.http.post("/auth/logout", "", Market.bearer(jwt1)).status()).isEqualTo(401);
            assertThat(me(app, jwt2)).isEqualTo(200);
            assertThat(app.http.post("/auth/logout", "", Market.bearer(api2)).status()).isEqualTo(204);
            assertThat(me(app, api2)).as("a logged-out API token").isEqualTo(401);
            assertThat(me(app, api1)).isEqualTo(200);

            Http.Response all = app.http.method("DELETE", "/me/tokens", null, Market.bearer(jwt2));
            assertThat(all.status()).as(all.body()).isEqualTo(200);
            assertThat(all.json().get("revoked_api_tokens").asInt()).isEqualTo(1);
            assertThat(me(app, jwt2)).isEqualTo(401);
            assertThat(me(app, api1)).isEqualTo(401);

            String jwt3 = login(app, "rev@example.com", "s3cret-passw0rd");
            String api3 = app.http.post("/admin/users/" + id + "/tokens", "", TestApp.admin()).json().get("token").asText();
            assertThat(me(app, jwt3)).as("tokens issued after a revocation work").isEqualTo(200);
            assertThat(app.http.method("DELETE", "/admin/users/" + id + "/tokens", null, Market.bearer(jwt3)).status())
                    .as("a user cannot use the admin's revocation").isEqualTo(403);
            Http.Response admin = app.http.method("DELETE", "/admin/users/" + id + "/tokens", null, TestApp.admin());
            assertThat(admin.status()).as(admin.body()).isEqualTo(200);
            assertThat(admin.json().get("revoked_api_tokens").asInt()).isEqualTo(1);
            assertThat(me(app, jwt3)).isEqualTo(401);
            assertThat(me(app, api3)).isEqualTo(401);
            assertThat(app.http.method("DELETE", "/admin/users/00000000-0000-0000-0000-000000000000/tokens", null,
                    TestApp.admin()).status()).isEqualTo(404);
        }
    }
}
