package dev.vectis.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vectis.error.AuthenticationException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
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
}
