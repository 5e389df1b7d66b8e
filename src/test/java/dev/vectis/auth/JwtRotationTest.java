package dev.vectis.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.error.AuthenticationException;
import dev.vectis.testing.HandSigned;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The current key signs and names itself in kid; previous keys only verify. */
class JwtRotationTest {

    private static final byte[] OLD = "the key before the rotation 0123".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NEW = "the key after the rotation 45678".getBytes(StandardCharsets.US_ASCII);
    private static final String AUD = "provider-registry";

    private final Jwt before = new Jwt(OLD, "vectis", Clock.systemUTC());
    private final Jwt rotated = new Jwt(JwtKey.of(NEW, List.of(OLD)), "vectis", Clock.systemUTC());
    private final Jwt retired = new Jwt(NEW, "vectis", Clock.systemUTC());

    private static JsonNode header(String token) throws Exception {
        return new ObjectMapper().readTree(Base64.getUrlDecoder().decode(token.split("\\.")[0]));
    }

    private static String issue(Jwt jwt) {
        return jwt.issue("p1", AUD, Duration.ofHours(1), Map.of("gen", 3)).token();
    }

    @Test
    void tokensNameTheirKeyAndTheSameKeyAlwaysGetsTheSameKid() throws Exception {
        JsonNode head = header(issue(before));
        assertThat(head.get("alg").asText()).isEqualTo("HS256");
        assertThat(head.get("typ").asText()).isEqualTo("JWT");
        assertThat(head.get("kid").asText()).matches("[A-Za-z0-9_-]{43}");
        assertThat(header(issue(new Jwt(OLD, "vectis", Clock.systemUTC()))).get("kid")).isEqualTo(head.get("kid"));
        assertThat(header(issue(rotated)).get("kid")).isNotEqualTo(head.get("kid"));
        assertThat(header(issue(rotated)).get("kid")).isEqualTo(header(issue(retired)).get("kid"));
    }

    @Test
    void tokensSignedBeforeARotationStillVerifyUntilTheOldKeyIsDropped() {
        String old = issue(before);
        Jwt.Claims claims = rotated.verify(old, AUD);
        assertThat(claims.subject()).isEqualTo("p1");
        assertThat(TokenRevocations.generation(claims)).isEqualTo(3);
        assertThatThrownBy(() -> retired.verify(old, AUD)).isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("key this server does not hold");

        String fresh = issue(rotated);
        assertThat(retired.verify(fresh, AUD).subject()).isEqualTo("p1");
        assertThatThrownBy(() -> before.verify(fresh, AUD)).isInstanceOf(AuthenticationException.class);
    }

    @Test
    void tokensWithoutAKidAreTriedAgainstEveryKeyHeld() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        String claims = "{\"iss\":\"vectis\",\"aud\":\"" + AUD + "\",\"sub\":\"p1\",\"jti\":\"j1\",\"iat\":" + now
                + ",\"exp\":" + (now + 60) + "}";
        assertThat(rotated.verify(HandSigned.jwt(claims, OLD), AUD).jti()).isEqualTo("j1");
        assertThat(rotated.verify(HandSigned.jwt(claims, NEW), AUD).jti()).isEqualTo("j1");
        byte[] stranger = "a key nobody here has ever held!!".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> rotated.verify(HandSigned.jwt(claims, stranger), AUD))
                .hasMessageContaining("bad signature");
    }

    @Test
    void aKidOfAKeyWeHoldDoesNotLetAnotherKeySign() throws Exception {
        String forged = issue(new Jwt("an attacker's key, 32 bytes long".getBytes(StandardCharsets.US_ASCII),
                "vectis", Clock.systemUTC()));
        String[] parts = forged.split("\\.");
        String kid = header(issue(before)).get("kid").asText();
        String head = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> rotated.verify(head + "." + parts[1] + "." + parts[2], AUD))
                .hasMessageContaining("bad signature");
    }
}
