package dev.vectis.auth;

import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The claims every Vectis token must carry, checked once its signature holds: the library's
 * issuer, audience, presence and time checks (against the injected clock, no skew), plus
 * sane time values and the shape of the ids Vectis issues.
 */
final class JwtChecks extends DefaultJWTClaimsVerifier<JwtChecks.Sent> {

    /**
     * The payload as sent. The library turns NumericDates into milliseconds with a long
     * multiplication that overflows, so a signed {@code exp: 1e30} would become a date in
     * 1969 and {@code nbf: 1e30} one in the past; the range check reads the numbers as sent.
     */
    record Sent(Map<String, Object> json) implements SecurityContext {
    }

    /** 9999-12-31T23:59:59Z: later NumericDates are not times any token is meant to carry. */
    private static final long LATEST = 253_402_300_799L;
    private static final List<String> TIMES = List.of("exp", "iat", "nbf");

    /** What subjects and token ids Vectis issues look like: short printable ASCII. */
    private static final Pattern ID = Pattern.compile("[\\x21-\\x7e]{1,128}");

    private final Clock clock;

    JwtChecks(String issuer, String audience, Clock clock) {
        super(audience, new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("sub", "exp", "iat", "jti"));
        setMaxClockSkew(0);
        this.clock = clock;
    }

    @Override
    public void verify(JWTClaimsSet claims, Sent sent) throws BadJWTException {
        for (String name : TIMES) {
            Object value = sent.json().get(name);
            // present but null counts too: the library would read it as absent and skip the expiry check
            if (sent.json().containsKey(name)
                    && !(value instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() <= LATEST)) {
                throw new BadJWTException("a time claim is out of range");
            }
        }
        super.verify(claims, sent);
        if (!ID.matcher(claims.getSubject()).matches() || !ID.matcher(claims.getJWTID()).matches()) {
            // Vectis issues short ASCII ids; anything else (a NUL, a megabyte) is not one of its tokens.
            throw new BadJWTException("malformed claims");
        }
    }

    @Override
    protected Date currentTime() {
        return Date.from(clock.instant());
    }
}
