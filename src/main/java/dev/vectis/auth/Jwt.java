package dev.vectis.auth;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.error.AuthenticationException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HS256 JSON Web Tokens, and nothing else: the algorithm is pinned, so "none" or a
 * public-key algorithm in the header is refused rather than obeyed. Every token carries and
 * is checked for iss, aud, sub, exp, iat and jti.
 */
public final class Jwt {

    public record Issued(String token, String jti, Instant issuedAt, Instant expiresAt) {
    }

    public record Claims(String subject, String audience, String jti, Instant issuedAt, Instant expiresAt,
                         Map<String, Object> all) {
    }

    private static final String HEADER = Base64.getUrlEncoder().withoutPadding()
            .encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    /** 9999-12-31T23:59:59Z: later NumericDates are not times any token is meant to carry. */
    private static final long LATEST = 253_402_300_799L;

    /** What subjects and token ids Vectis issues look like: short printable ASCII. */
    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[\\x21-\\x7e]{1,128}");

    private final byte[] key;
    private final String issuer;
    private final Clock clock;
    private final ObjectMapper mapper = new ObjectMapper();

    public Jwt(byte[] key, String issuer, Clock clock) {
        this.key = key.clone();
        this.issuer = issuer;
        this.clock = clock;
    }

    public Issued issue(String subject, String audience, Duration ttl, Map<String, Object> extra) {
        Instant now = clock.instant();
        Instant expires = now.plus(ttl);
        String jti = UUID.randomUUID().toString();
        Map<String, Object> claims = new LinkedHashMap<>(extra);
        claims.put("iss", issuer);
        claims.put("aud", audience);
        claims.put("sub", subject);
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", expires.getEpochSecond());
        claims.put("jti", jti);
        try {
            String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(mapper.writeValueAsBytes(claims));
            String signed = HEADER + "." + payload;
            return new Issued(signed + "." + sign(signed), jti, Instant.ofEpochSecond(now.getEpochSecond()),
                    Instant.ofEpochSecond(expires.getEpochSecond()));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("claims are plain values", e);
        }
    }

    /** The token's claims when it is well-formed, correctly signed, ours, for this audience and current. */
    public Claims verify(String token, String audience) {
        if (token == null) {
            throw invalid("missing token");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw invalid("malformed token");
        }
        Map<String, Object> header = decode(parts[0]);
        if (!"HS256".equals(header.get("alg"))) {
            throw invalid("unsupported algorithm");
        }
        byte[] expected = sign(parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, parts[2].getBytes(StandardCharsets.US_ASCII))) {
            throw invalid("bad signature");
        }
        Map<String, Object> claims = decode(parts[1]);
        long now = clock.instant().getEpochSecond();
        if (!issuer.equals(claims.get("iss"))) {
            throw invalid("wrong issuer");
        }
        Object aud = claims.get("aud");
        if (!(audience.equals(aud) || (aud instanceof List<?> list && list.contains(audience)))) {
            throw invalid("wrong audience");
        }
        Long exp = time(claims.get("exp"));
        Long iat = time(claims.get("iat"));
        Long nbf = time(claims.get("nbf"));
        if (exp == null || iat == null || !(claims.get("sub") instanceof String sub) || sub.isEmpty()
                || !(claims.get("jti") instanceof String jti) || jti.isEmpty()) {
            throw invalid("missing claims");
        }
        if (!ID.matcher(sub).matches() || !ID.matcher(jti).matches()) {
            // Vectis issues short ASCII ids; anything else (a NUL, a megabyte) is not one of its tokens.
            throw invalid("malformed claims");
        }
        if (exp <= now) {
            throw invalid("token expired");
        }
        if (nbf != null && nbf > now) {
            throw invalid("token not yet valid");
        }
        return new Claims(sub, audience, jti, Instant.ofEpochSecond(iat), Instant.ofEpochSecond(exp), claims);
    }

    private Map<String, Object> decode(String part) {
        try {
            return mapper.readValue(Base64.getUrlDecoder().decode(part), MAP);
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw invalid("malformed token");
        }
    }

    /** A NumericDate claim as seconds; anything that is not a time a calendar can hold is refused. */
    private static Long time(Object v) {
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number n) || !(n.doubleValue() >= 0 && n.doubleValue() <= LATEST)) {
            throw invalid("a time claim is out of range");
        }
        return n.longValue();
    }

    private String sign(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(text.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static AuthenticationException invalid(String why) {
        return new AuthenticationException("Invalid or expired token (" + why + ")");
    }
}
