package dev.vectis.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import dev.vectis.error.AuthenticationException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * HS256 JSON Web Tokens, and nothing else: the algorithm is pinned, so "none", a public-key
 * algorithm or any other one in the header is refused rather than obeyed. Every token carries
 * and is checked for iss, aud, sub, exp, iat and jti, and names its key in {@code kid}: the
 * current key signs, previous keys still verify, so a key can be rotated without logging
 * everyone out. Tokens without a kid (issued before kids existed) are tried against every key.
 */
public final class Jwt {

    public record Issued(String token, String jti, Instant issuedAt, Instant expiresAt) {
    }

    public record Claims(String subject, String audience, String jti, Instant issuedAt, Instant expiresAt,
                         Map<String, Object> all) {
    }

    private final MACSigner signer;
    private final JWSHeader header;
    private final Set<String> keyIds;
    private final JWSKeySelector<JwtChecks.Sent> keys;
    private final String issuer;
    private final Clock clock;

    /** One key that both signs and verifies. */
    public Jwt(byte[] key, String issuer, Clock clock) {
        this(JwtKey.of(key, List.of()), issuer, clock);
    }

    public Jwt(JwtKey key, String issuer, Clock clock) {
        OctetSequenceKey current = jwk(key.bytes());
        List<JWK> all = new ArrayList<>(List.of(current));
        for (byte[] previous : key.previous()) {
            OctetSequenceKey jwk = jwk(previous);
            if (all.stream().noneMatch(k -> k.getKeyID().equals(jwk.getKeyID()))) {
                all.add(jwk);
            }
        }
        try {
            this.signer = new MACSigner(current);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("an HS256 key needs at least 256 bits", e);
        }
        this.header = new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).keyID(current.getKeyID())
                .build();
        this.keyIds = Set.copyOf(all.stream().map(JWK::getKeyID).toList());
        this.keys = new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableJWKSet<>(new JWKSet(all)));
        this.issuer = issuer;
        this.clock = clock;
    }

    public Issued issue(String subject, String audience, Duration ttl, Map<String, Object> extra) {
        Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
        Instant expires = now.plus(ttl);
        String jti = UUID.randomUUID().toString();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder();
        extra.forEach(claims::claim);
        claims.issuer(issuer).audience(audience).subject(subject).issueTime(Date.from(now))
                .expirationTime(Date.from(expires)).jwtID(jti);
        SignedJWT token = new SignedJWT(header, claims.build());
        try {
            token.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
        return new Issued(token.serialize(), jti, now, expires);
    }

    /** The token's claims when it is well-formed, correctly signed, ours, for this audience and current. */
    public Claims verify(String token, String audience) {
        if (token == null) {
            throw invalid("missing token");
        }
        SignedJWT signed;
        try {
            signed = SignedJWT.parse(token);
        } catch (ParseException | RuntimeException e) {
            // RuntimeException too: a header that is JSON null gets a NullPointerException (nimbus-jose-jwt 10.10)
            throw invalid("malformed token");
        }
        if (!JWSAlgorithm.HS256.equals(signed.getHeader().getAlgorithm())) {
            throw invalid("unsupported algorithm");
        }
        String kid = signed.getHeader().getKeyID();
        if (kid != null && !keyIds.contains(kid)) {
            throw invalid("signed with a key this server does not hold");
        }
        DefaultJWTProcessor<JwtChecks.Sent> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(keys);
        processor.setJWTClaimsSetVerifier(new JwtChecks(issuer, audience, clock));
        JWTClaimsSet claims;
        try {
            claims = processor.process(signed, new JwtChecks.Sent(
                    Objects.requireNonNullElse(signed.getPayload().toJSONObject(), Map.of())));
        } catch (ExpiredJWTException e) {
            throw invalid("token expired");
        } catch (BadJWSException e) {
            throw invalid("bad signature");
        } catch (BadJWTException e) {
            // a parse failure's message may quote the payload; say only what kind of failure it was
            throw invalid(e.getCause() instanceof ParseException ? "malformed claims" : e.getMessage());
        } catch (BadJOSEException e) {
            throw invalid(e.getMessage());
        } catch (JOSEException e) {
            throw invalid("malformed token");
        }
        return new Claims(claims.getSubject(), audience, claims.getJWTID(), claims.getIssueTime().toInstant(),
                claims.getExpirationTime().toInstant(), new LinkedHashMap<>(claims.getClaims()));
    }

    /** The key with its RFC 7638 thumbprint as kid: every node derives the same kid from the same key. */
    private static OctetSequenceKey jwk(byte[] key) {
        try {
            return new OctetSequenceKey.Builder(key).algorithm(JWSAlgorithm.HS256).keyIDFromThumbprint().build();
        } catch (JOSEException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static AuthenticationException invalid(String why) {
        return new AuthenticationException("Invalid or expired token (" + why + ")");
    }
}
