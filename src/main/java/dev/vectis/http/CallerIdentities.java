package dev.vectis.http;

import dev.vectis.auth.Credentials;
import dev.vectis.auth.Principal;
import dev.vectis.config.RatePolicy;
import dev.vectis.error.AuthenticationException;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Who is calling, as far as the rate limiter can tell before any handler runs. Only checks
 * that cost no more than a hash run on every call: the admin, worker and named tokens are
 * checked in memory, worker signatures checked against cached secrets, JWTs by their signature. A
 * credential only the database can check (a user's API token) is looked up after its call
 * has been counted against the caller's address, and remembered for a while. So a credential
 * gets a bucket of its own only once it has proved valid: random ones count as anonymous.
 */
public final class CallerIdentities {

    /** A verified caller: the policy its credential falls under, and who it is within that policy. */
    public record Caller(RatePolicy policy, String subject) {
    }

    /** Finds the subject a bearer credential stands for, or empty when it is not one of these. */
    public record BearerCheck(RatePolicy policy, Function<String, Optional<String>> subject) {
    }

    static final long REMEMBER_MILLIS = 10 * 60_000;
    /** Bounded like the buckets. */
    static final int MAX_REMEMBERED = RateLimiter.MAX_BUCKETS;

    private record Remembered(Caller caller, long until) {
    }

    private final Function<byte[], Principal> principals;
    private final Function<Context, Optional<String>> signatures;
    private final List<BearerCheck> cheap;
    private final BearerCheck lookUp;
    private final Clock clock;
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();

    /**
     * @param principals who holds a token, given its SHA-256 ({@link Credentials#principalOfSha256})
     * @param signatures the worker that signed a call ({@link WorkerSignatures#verify})
     * @param cheap      checks that need no database (JWT signatures)
     * @param lookUp     the check that may query the database, made only for calls already counted
     */
    public CallerIdentities(Function<byte[], Principal> principals, Function<Context, Optional<String>> signatures,
                            List<BearerCheck> cheap, BearerCheck lookUp, Clock clock) {
        this.principals = principals;
        this.signatures = signatures;
        this.cheap = List.copyOf(cheap);
        this.lookUp = lookUp;
        this.clock = clock;
    }

    /** No credential is recognised: every call counts against its address. */
    public static CallerIdentities none() {
        return new CallerIdentities(sha256 -> Principal.NOBODY, ctx -> Optional.empty(), List.of(),
                new BearerCheck(RatePolicy.ANONYMOUS, bearer -> Optional.empty()), Clock.systemUTC());
    }

    /** The caller when its credential can be verified without the database (or was, recently). */
    Optional<Caller> known(Context ctx) {
        Optional<Caller> signed = signedWorker(ctx);
        if (signed.isPresent()) {
            return signed;
        }
        PresentedToken presented = PresentedToken.of(ctx);
        String bearer = presented.token();
        if (bearer == null) {
            return Optional.empty();
        }
        Principal principal = principals.apply(presented.sha256());
        switch (principal.role()) {
            case ADMIN, OPERATOR, VIEWER, SUBMITTER -> {
                return Optional.of(new Caller(RatePolicy.ADMIN, principal.subject()));
            }
            case WORKER -> {
                // Many machines share a worker token: the token is the caller.
                return Optional.of(new Caller(RatePolicy.FLEET, "token:" + presented.sha256Hex()));
            }
            case NONE -> {
                // a user's or a provider's credential, or nobody's: see below
            }
        }
        for (BearerCheck check : cheap) {
            Optional<String> subject = check.subject().apply(bearer);
            if (subject.isPresent()) {
                return Optional.of(new Caller(check.policy(), subject.get()));
            }
        }
        Remembered r = remembered.get(presented.sha256Hex());
        return r != null && r.until() > clock.millis() ? Optional.of(r.caller()) : Optional.empty();
    }

    /**
     * For a call already counted against its address: checks a bearer credential that
     * {@link #known} could not, and remembers it when valid, so its next calls count as its own.
     */
    void learn(Context ctx) {
        PresentedToken presented = PresentedToken.of(ctx);
        if (presented.token() == null) {
            return;
        }
        Optional<String> subject = lookUp.subject().apply(presented.token());
        if (subject.isEmpty()) {
            return;
        }
        long now = clock.millis();
        if (remembered.size() >= MAX_REMEMBERED) {
            remembered.values().removeIf(r -> r.until() <= now);
            if (remembered.size() >= MAX_REMEMBERED) {
                remembered.clear(); // forgetting costs each credential one call counted against its address
            }
        }
        remembered.put(presented.sha256Hex(), new Remembered(new Caller(lookUp.policy(), subject.get()),
                now + REMEMBER_MILLIS));
    }

    /** A bad signature proves nothing: the call counts as anonymous, and its handler refuses it. */
    private Optional<Caller> signedWorker(Context ctx) {
        try {
            return signatures.apply(ctx).map(id -> new Caller(RatePolicy.FLEET, "worker:" + id));
        } catch (AuthenticationException e) {
            return Optional.empty();
        }
    }
}
