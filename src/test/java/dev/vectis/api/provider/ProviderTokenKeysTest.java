package dev.vectis.api.provider;

import static dev.vectis.api.provider.ProviderFixture.BASE;
import static dev.vectis.api.provider.ProviderFixture.bearer;
import static dev.vectis.api.provider.ProviderFixture.jwtPart;
import static dev.vectis.api.provider.ProviderFixture.registered;
import static dev.vectis.api.provider.ProviderFixture.token;
import static dev.vectis.api.provider.ProviderRegistrationTest.assertSpecError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.api.provider.ProviderFixture.Account;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.HandSigned;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** Signed tokens with senseless times, and rotating the signing key under running sessions. */
class ProviderTokenKeysTest {

    private static final String KEY_A = "the first signing key of 32 bytes";
    private static final String KEY_B = "the second signing key, 32 bytes";

    private static TestApp start(TestDatabase db, String secret, String previous) {
        return ProviderFixture.start(db, previous == null ? Map.of("VECTIS_JWT_SECRET", secret)
                : Map.of("VECTIS_JWT_SECRET", secret, "VECTIS_JWT_PREVIOUS_SECRETS", previous), Clock.systemUTC());
    }

    private static int profile(TestApp app, String token) {
        return app.http.get(BASE + "/profile", bearer(token)).status();
    }

    @DbTest
    void correctlySignedTokensWithSenselessTimesAre401sInTheSpecShape(TestDatabase db) {
        try (TestApp app = ProviderFixture.start(db)) {
            Account a = registered(app, "a@acme.com");
            byte[] key = app.app().jwtKey().bytes();
            long now = System.currentTimeMillis() / 1000;
            String base = "{\"iss\":\"vectis\",\"aud\":\"provider-registry\",\"sub\":\"" + a.id() + "\",\"jti\":\"j1\"";
            String iat = ",\"iat\":" + now;
            String exp = ",\"exp\":" + (now + 600);
            for (String claims : List.of(
                    base + iat + ",\"exp\":1e30}",
                    base + iat + ",\"exp\":\"tomorrow\"}",
                    base + iat + ",\"exp\":null}",
                    base + iat + ",\"exp\":18446745873709552}",
                    base + iat + exp + ",\"nbf\":1e30}",
                    base + ",\"iat\":-1" + exp + "}",
                    base + ",\"iat\":[1]" + exp + "}",
                    base + iat + "}")) {
                String token = HandSigned.jwt(claims, key);
                Http.Response r = app.http.get(BASE + "/profile", bearer(token));
                assertSpecError(r, 401, "Unauthorized");
                assertThat(r.json().get("message").asText()).as(claims).startsWith("Invalid or expired token");
                assertSpecError(app.http.post(BASE + "/refresh", "", bearer(token)), 401, "Unauthorized");
            }
            assertThat(profile(app, HandSigned.jwt(base + iat + exp + "}", key))).isEqualTo(200);
        }
    }

    @DbTest
    void aRotatedKeyKeepsEarlierTokensUntilItIsDropped(TestDatabase db) {
        Account a;
        String early;
        try (TestApp app = start(db, KEY_A, null)) {
            a = registered(app, "a@acme.com");
            early = token(app, a);
            assertThat(profile(app, early)).isEqualTo(200);
        }
        String late;
        try (TestApp app = start(db, KEY_B, KEY_A)) {
            assertThat(profile(app, early)).as("signed with the previous key").isEqualTo(200);
            Http.Response refreshed = app.http.post(BASE + "/refresh", "", bearer(early));
            assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
            late = refreshed.json().get("token").asText();
            assertThat(jwtPart(late, 0).get("kid").asText()).isNotEqualTo(jwtPart(early, 0).get("kid").asText());
            assertThat(profile(app, late)).isEqualTo(200);
        }
        try (TestApp app = start(db, KEY_B, null)) {
            Http.Response r = app.http.get(BASE + "/profile", bearer(early));
            assertSpecError(r, 401, "Unauthorized");
            assertThat(profile(app, late)).isEqualTo(200);
        }
    }
}
