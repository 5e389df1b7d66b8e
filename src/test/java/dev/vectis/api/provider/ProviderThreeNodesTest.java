package dev.vectis.api.provider;

import static dev.vectis.api.provider.ProviderFixture.BASE;
import static dev.vectis.api.provider.ProviderFixture.authenticate;
import static dev.vectis.api.provider.ProviderFixture.bearer;
import static dev.vectis.api.provider.ProviderFixture.registered;
import static dev.vectis.api.provider.ProviderFixture.token;
import static dev.vectis.api.provider.ProviderRegistrationTest.assertSpecError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.api.provider.ProviderFixture.Account;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** Three nodes on one PostgreSQL database: the operator's decision on one holds on every node from the next call. */
class ProviderThreeNodesTest {

    /** Every node shares the key that signs provider tokens, as a deployment behind one balancer must. */
    private static final Map<String, String> SHARED_KEY =
            Map.of("VECTIS_JWT_SECRET", "three-nodes-jwt-secret-0123456789abcdef");

    @DbTest
    void aProviderSuspendedOnAIsRefusedOnBAndCAtOnce(TestDatabase db) {
        Assumptions.assumeTrue(db.isPostgres(), "several nodes share a PostgreSQL database");
        try (TestApp a = ProviderFixture.start(db, SHARED_KEY, Clock.systemUTC());
             TestApp b = ProviderFixture.start(db, SHARED_KEY, Clock.systemUTC());
             TestApp c = ProviderFixture.start(db, SHARED_KEY, Clock.systemUTC())) {
            Account account = registered(c, "three@acme.com");
            assertThat(ProviderFixture.admin(a, "approve", account.id(), null).status()).isEqualTo(200);
            String token = token(b, account);
            for (TestApp node : List.of(a, b, c)) {
                assertThat(node.http.get(BASE + "/profile", bearer(token)).status()).isEqualTo(200);
            }

            assertThat(ProviderFixture.admin(a, "suspend", account.id(), "{\"reason\":\"abuse report\"}").status())
                    .isEqualTo(200);
            assertSpecError(b.http.get(BASE + "/profile", bearer(token)), 403, "Forbidden");
            assertSpecError(c.http.post(BASE + "/refresh", "", bearer(token)), 403, "Forbidden");
            assertSpecError(b.http.post(BASE + "/auth", ProviderFixture.json(Map.of("provider_id", account.id(),
                    "api_key", account.apiKey()))), 403, "Forbidden");

            assertThat(ProviderFixture.admin(b, "approve", account.id(), null).status()).isEqualTo(200);
            assertSpecError(c.http.get(BASE + "/profile", bearer(token)), 401, "Unauthorized");
            String again = authenticate(c, account.id(), account.apiKey()).json().get("token").asText();
            assertThat(a.http.get(BASE + "/profile", bearer(again)).status()).as("signed in again on C").isEqualTo(200);
        }
    }
}
