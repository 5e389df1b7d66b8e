package dev.vectis.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectis.error.AuthenticationException;
import dev.vectis.testing.HandSigned;
import dev.vectis.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Correctly signed tokens whose claims are not sane times are refused as tokens, never a crash. */
class JwtTest {

    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private final Jwt jwt = new Jwt(KEY, "vectis", Clock.systemUTC());

    private static String signed(String claims) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String head = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String body = b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        return head + "." + body + "." + b64.encodeToString(mac.doFinal((head + "." + body).getBytes(StandardCharsets.US_ASCII)));
    }

    private static String claims(String exp, String iat, String nbf) {
        return "{\"iss\":\"vectis\",\"aud\":\"provider-registry\",\"sub\":\"p1\",\"jti\":\"j1\",\"exp\":" + exp
                + ",\"iat\":" + iat + (nbf == null ? "" : ",\"nbf\":" + nbf) + "}";
    }

    @Test
    void aSaneTokenSignedByHandIsAccepted() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        assertThat(jwt.verify(signed(claims(Long.toString(now + 60), Long.toString(now), null)), "provider-registry")
                .subject()).isEqualTo("p1");
    }

    @Test
    void outOfRangeTimesAreRefusedAsInvalidTokens() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        String fine = Long.toString(now);
        for (String claims : List.of(
                claims("1e30", fine, null), claims("-1e30", fine, null), claims("1e300", "1e300", null),
                claims(Long.toString(now + 60), "1e30", null), claims(Long.toString(now + 60), fine, "1e30"),
                claims("\"tomorrow\"", fine, null), claims("9223372036854775807", fine, null),
                claims(Long.toString(now + 60), "-5", null))) {
            String token = signed(claims);
            assertThatThrownBy(() -> jwt.verify(token, "provider-registry")).as(claims)
                    .isInstanceOf(AuthenticationException.class);
        }
        assertThat(jwt.issue("p1", "provider-registry", Duration.ofHours(1), Map.of()).token()).isNotBlank();
    }

    @Test
    void outOfRangeAndNonNumericTimesSayWhy() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        String fine = Long.toString(now);
        for (String claims : List.of(claims("1e30", fine, null), claims(Long.toString(now + 60), fine, "1e30"),
                claims("18446745873709552", fine, null), claims("null", fine, null), claims("{}", fine, null))) {
            String token = signed(claims);
            assertThatThrownBy(() -> jwt.verify(token, "provider-registry")).as(claims)
                    .isInstanceOf(AuthenticationException.class).hasMessageMatching(
                            "Invalid or expired token \\((a time claim is out of range|malformed claims)\\)");
        }
    }

    @Test
    void expiryAndNotBeforeFollowTheInjectedClockToTheSecond() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2031-05-01T00:00:00Z"));
        Jwt timed = new Jwt(KEY, "vectis", clock);
        String token = timed.issue("p1", "provider-registry", Duration.ofMinutes(10), Map.of()).token();
        clock.advance(Duration.ofMinutes(10).minusMillis(1));
        assertThat(timed.verify(token, "provider-registry").subject()).isEqualTo("p1");
        clock.advance(Duration.ofMillis(1));
        assertThatThrownBy(() -> timed.verify(token, "provider-registry")).hasMessageContaining("token expired");

        long at = clock.instant().getEpochSecond();
        String later = signed(claims(Long.toString(at + 600), Long.toString(at), Long.toString(at + 60)));
        assertThatThrownBy(() -> timed.verify(later, "provider-registry")).isInstanceOf(AuthenticationException.class);
        clock.advance(Duration.ofSeconds(61));
        assertThat(timed.verify(later, "provider-registry").jti()).isEqualTo("j1");
    }

    @Test
    void onlyHs256WithTheRightKeyIsObeyed() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        String body = claims(Long.toString(now + 60), Long.toString(now), null);
        for (String header : List.of("{\"alg\":\"none\"}", "{\"alg\":\"HS512\"}", "{\"alg\":\"RS256\"}",
                "{\"alg\":\"ES256\"}", "{\"alg\":\"HS256\",\"crit\":[\"exp\"],\"exp\":1}",
                "{\"alg\":\"HS256\",\"typ\":\"JOSE+JSON\"}", "{\"alg\":\"HS256\",\"kid\":\"someone-elses\"}")) {
            // signed with the server's own key, so only the header can be what is refused
            String token = HandSigned.jwt(header, body, KEY);
            assertThatThrownBy(() -> jwt.verify(token, "provider-registry")).as(header)
                    .isInstanceOf(AuthenticationException.class);
        }
        byte[] other = "another key of thirty-two bytes!".getBytes(StandardCharsets.US_ASCII);
        String jwk = "{\"kty\":\"oct\",\"k\":\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(other) + "\"}";
        String embedded = HandSigned.jwt("{\"alg\":\"HS256\",\"jwk\":" + jwk + "}", body, other);
        assertThatThrownBy(() -> jwt.verify(embedded, "provider-registry")).as("a key the token brings itself")
                .isInstanceOf(AuthenticationException.class);
        assertThat(jwt.verify(HandSigned.jwt("{\"alg\":\"HS256\"}", body, KEY), "provider-registry").subject())
                .isEqualTo("p1");
    }

    @Test
    void garbageOfEveryShapeIsAnInvalidTokenNeverACrash() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        String good = signed(claims(Long.toString(now + 60), Long.toString(now), null));
        List<String> parts = List.of("{\"alg\":\"HS256\"}", "", "null", "[]", "{}", "\"x\"", "1e999999", "{\"alg\":[\"HS256\"]}",
                "{\"alg\":\"HS256\",\"kid\":7}", "{\"alg\":\"HS256\",\"typ\":{}}", "[".repeat(5000),
                "{\"iss\":7,\"aud\":\"provider-registry\"}", "{\"aud\":{\"a\":1}}", "{\"sub\":null}",
                claims("1", "1", null), "{\"exp\":1e999999}", "\u0000", "{\"jti\":[\"a\"]}");
        Random random = new Random(42);
        for (int i = 0; i < 2000; i++) {
            String token;
            if (i < parts.size() * parts.size()) {
                token = HandSigned.jwt(parts.get(i / parts.size()), parts.get(i % parts.size()), KEY);
            } else {
                char[] chars = good.toCharArray();
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    chars[random.nextInt(chars.length)] = "AZaz09-_.=+/ {}\"\u0000\u00e9".charAt(random.nextInt(18));
                }
                token = new String(chars).substring(0, random.nextInt(chars.length + 1));
            }
            String t = token;
            try {
                jwt.verify(t, "provider-registry");
            } catch (AuthenticationException expected) {
                assertThat(expected.getMessage()).startsWith("Invalid or expired token (");
            }
        }
    }
}
