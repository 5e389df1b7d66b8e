package dev.vectis.api.provider;

import static dev.vectis.api.provider.ProviderFixture.admin;
import static dev.vectis.api.provider.ProviderFixture.bearer;
import static dev.vectis.api.provider.ProviderFixture.registered;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.api.provider.ProviderFixture.Account;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

class ProviderApprovalTest {

    private static List<Map<String, Object>> events(TestApp app) {
        return app.app().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT type, data FROM events WHERE source = 'providers' ORDER BY id").mapToMap().list());
    }

    private static List<String> ids(Http.Response r) {
        List<String> ids = new ArrayList<>();
        r.json().get("providers").forEach(p -> ids.add(p.get("provider_id").asText()));
        return ids;
    }

    @DbTest
    void theOperatorListsProvidersByStatusNewestFirstAndInPages(TestDatabase db) {
        try (TestApp app = ProviderFixture.start(db)) {
            List<Account> accounts = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                accounts.add(registered(app, "p" + i + "@acme.com"));
            }
            admin(app, "approve", accounts.get(1).id(), null);

            Http.Response all = app.http.get("/admin/providers", TestApp.admin());
            assertThat(all.status()).as(all.body()).isEqualTo(200);
            assertThat(all.json().get("total").asLong()).isEqualTo(5);
            assertThat(all.json().get("next_cursor").isNull()).isTrue();
            assertThat(all.body()).doesNotContain("pk_");

            Http.Response pending = app.http.get("/admin/providers?status=pending", TestApp.admin());
            assertThat(pending.json().get("total").asLong()).isEqualTo(4);
            assertThat(ids(pending)).doesNotContain(accounts.get(1).id());
            Http.Response approved = app.http.get("/admin/providers?status=approved", TestApp.admin());
            assertThat(ids(approved)).containsExactly(accounts.get(1).id());

            List<String> paged = new ArrayList<>();
            String cursor = null;
            do {
                Http.Response page = app.http.get("/admin/providers?limit=2"
                        + (cursor == null ? "" : "&cursor=" + cursor), TestApp.admin());
                assertThat(page.json().get("providers").size()).isLessThanOrEqualTo(2);
                paged.addAll(ids(page));
                JsonNode next = page.json().get("next_cursor");
                cursor = next.isNull() ? null : next.asText();
            } while (cursor != null);
            assertThat(paged).isEqualTo(ids(all)).hasSize(5);

            for (String bad : List.of("status=banned", "limit=0", "limit=x", "cursor=nonsense")) {
                Http.Response r = app.http.get("/admin/providers?" + bad, TestApp.admin());
                assertThat(r.status()).as(bad).isEqualTo(400);
                assertThat(r.json().get("field").asText()).isEqualTo(bad.substring(0, bad.indexOf('=')));
            }
        }
    }

    @DbTest
    void onlyTheAdminTokenApproves(TestDatabase db) {
        try (TestApp app = ProviderFixture.start(db)) {
            Account a = registered(app, "a@acme.com");
            String token = ProviderFixture.token(app, a);
            assertThat(app.http.get("/admin/providers").status()).isEqualTo(401);
            assertThat(app.http.get("/admin/providers", TestApp.worker()).status()).isEqualTo(403);
            assertThat(app.http.get("/admin/providers", bearer(token)).status()).isEqualTo(401);
            Http.Response self = app.http.method("POST", "/admin/providers/" + a.id() + "/approve", null, bearer(token));
            assertThat(self.status()).isEqualTo(401);
            assertThat(app.http.get(ProviderFixture.BASE + "/profile", bearer(token)).json().get("status").asText())
                    .isEqualTo("pending");
        }
    }

    @DbTest
    void statusChangesFollowTheLifecycleAndAreEvents(TestDatabase db) {
        try (TestApp app = ProviderFixture.start(db)) {
            Account a = registered(app, "a@acme.com");
            Http.Response approved = admin(app, "approve", a.id(), "{\"reason\":\"verified\"}");
            assertThat(approved.status()).as(approved.body()).isEqualTo(200);
            assertThat(approved.json().get("status").asText()).isEqualTo("approved");
            assertThat(approved.json().get("status_reason").asText()).isEqualTo("verified");
            assertThat(admin(app, "approve", a.id(), null).status()).isEqualTo(200);

            Http.Response reject = admin(app, "reject", a.id(), null);
            assertThat(reject.status()).isEqualTo(409);
            assertThat(reject.json().get("error").asText()).isEqualTo("invalid_transition");
            assertThat(admin(app, "suspend", a.id(), "{}").json().get("status").asText()).isEqualTo("suspended");
            assertThat(admin(app, "reject", a.id(), null).status()).isEqualTo(409);
            assertThat(admin(app, "approve", a.id(), null).json().get("status").asText()).isEqualTo("approved");

            Account b = registered(app, "b@acme.com");
            assertThat(admin(app, "reject", b.id(), "{\"reason\":\"no terms\"}").json().get("status").asText())
                    .isEqualTo("rejected");
            assertThat(admin(app, "suspend", b.id(), null).status()).isEqualTo(409);
            assertThat(admin(app, "approve", b.id(), null).status()).isEqualTo(200);

            assertThat(events(app)).extracting(e -> e.get("type")).containsExactly(
                    "provider.registered", "provider.approved", "provider.suspended", "provider.approved",
                    "provider.registered", "provider.rejected", "provider.approved");
            assertThat(events(app).get(1).get("data").toString()).contains(a.id()).contains("\"from\":\"pending\"")
                    .contains("\"to\":\"approved\"").contains("verified");

            Http.Response unknown = admin(app, "approve", UUID.randomUUID().toString(), null);
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().get("error").asText()).isEqualTo("provider_not_found");
            assertThat(admin(app, "approve", a.id(), "{\"reason\":7}").json().get("field").asText()).isEqualTo("reason");
            assertThat(admin(app, "approve", a.id(), "{\"reason\":\"" + "r".repeat(1001) + "\"}").status())
                    .isEqualTo(400);
            assertThat(admin(app, "approve", a.id(), "{oops").status()).isEqualTo(400);
            assertThat(app.http.method("POST", "/admin/providers/" + a.id() + "/delete", null, TestApp.admin())
                    .status()).isEqualTo(404);
        }
    }
}
