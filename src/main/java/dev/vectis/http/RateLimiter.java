package dev.vectis.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.vectis.auth.Tokens;
import dev.vectis.config.RatePolicy;
import dev.vectis.config.Settings;
import dev.vectis.error.VectisException;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * rate_limit: token buckets under named policies ({@link RatePolicy}). A call with a verified
 * credential counts against that credential; any other call against its address, under the
 * policy its contract sets for the path; a sign-in counts against the account it tries as well.
 * A bucket holds {@code burst} requests and refills continuously at the policy's rate. On
 * PostgreSQL the buckets of policies {@link RatePolicy#sharedAcrossNodes() shared across nodes}
 * are {@link SharedBuckets} in the database, so a client spread over several nodes gets the
 * configured rate, not a multiple of it; the others, and all of them on H2, are in memory. When
 * the shared buckets cannot be reached the limiter fails open to this node's own buckets for
 * {@link #SHARED_RETRY_MILLIS}: still limited, per node, while the database recovers.
 */
public final class RateLimiter {

    /** Probes and scrapers must see the server however busy a client is. */
    static final Set<String> EXEMPT = Set.of("/livez", "/health", "/metrics", "/api/v1/registration/health");
    /** Memory stays bounded under a flood of distinct keys; beyond this, newcomers share one bucket per policy. */
    static final int MAX_BUCKETS = 100_000;
    static final String OVERFLOW = "overflow";
    /** After a failure, how long the node counts alone before it asks the database again. */
    static final long SHARED_RETRY_MILLIS = 30_000;
    private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);

    /** The outcome of one request: allowed or not, and what the headers say. */
    public record Decision(boolean allowed, int limit, int remaining, long resetSeconds, long retryAfterSeconds) {
    }

    private final boolean enabled;
    private final Map<RatePolicy, Settings.Rate> rates;
    private final Clock clock;
    private final CallerIdentities identities;
    private final ObjectMapper mapper = new ObjectMapper();
    private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep;
    /** Each policy's RateLimit-Policy header: fixed by the configuration, so written once. */
    private final Map<RatePolicy, String> policyHeaders = new EnumMap<>(RatePolicy.class);
    private final Optional<SharedBuckets> shared;
    private final AtomicLong sharedDownUntil = new AtomicLong(Long.MIN_VALUE);

    public RateLimiter(Settings.RateLimit settings, Clock clock, CallerIdentities identities) {
        this(settings, clock, identities, Optional.empty());
    }

    public RateLimiter(Settings.RateLimit settings, Clock clock, CallerIdentities identities,
                       Optional<SharedBuckets> shared) {
        this.enabled = settings.enabled();
        this.shared = shared;
        this.rates = new EnumMap<>(settings.rates());
        this.clock = clock;
        this.identities = identities;
        this.lastSweep = new AtomicLong(clock.millis());
        rates.forEach((policy, rate) -> policyHeaders.put(policy, "\"" + policy.wireName() + "\";q="
                + rate.perMinute() + ";w=" + TokenBucket.WINDOW_MILLIS / 1000));
    }

    /** A limiter that lets everything through. */
    public static RateLimiter disabled() {
        Map<RatePolicy, Settings.Rate> rates = new EnumMap<>(RatePolicy.class);
        for (RatePolicy p : RatePolicy.values()) {
            rates.put(p, new Settings.Rate(1, 1));
        }
        return new RateLimiter(new Settings.RateLimit(false, rates), Clock.systemUTC(), CallerIdentities.none());
    }

    /**
     * Counts one call and sets the rate-limit headers of the policy that counted it (the
     * account's, for a sign-in); over a limit, throws a 429 that the caller's contract renders.
     *
     * @param contract the contract that owns the path, or null when none does
     */
    void apply(Context ctx, String address, ContractApi contract) {
        if (!enabled || EXEMPT.contains(ctx.path()) || (contract != null && contract.unmetered())) {
            return;
        }
        String method = ctx.method().name();
        // Routes match with a trailing slash too; the policies must not be dodged by adding one.
        String path = withoutTrailingSlashes(ctx.path());
        Optional<CallerIdentities.Caller> caller = identities.known(ctx);
        if (caller.isPresent()) {
            spend(ctx, caller.get().policy(), caller.get().subject());
        } else {
            spend(ctx, contract == null ? RatePolicy.ANONYMOUS : contract.addressPolicy(method, path), address);
            identities.learn(ctx);
        }
        if (contract != null) {
            // Hashed: the account is whatever the client sent, and must not grow a key without bound.
            contract.signInAccount(method, path, () -> body(ctx))
                    .ifPresent(account -> spend(ctx, RatePolicy.LOGIN, Tokens.sha256Hex(account)));
        }
    }

    /** "/a/b//" is "/a/b"; "/" stays as it is. A loop, not a regular expression: this runs on every request. */
    static String withoutTrailingSlashes(String path) {
        int end = path.length();
        while (path.length() > 1 && end > 0 && path.charAt(end - 1) == '/') {
            end--;
        }
        return end == path.length() ? path : path.substring(0, end);
    }

    /** Spends one request of {@code key}'s allowance under {@code policy} when there is one. */
    public Decision take(RatePolicy policy, String key) {
        long now = clock.millis();
        sweepIfDue(now);
        String id = policy.wireName() + "|" + key;
        Settings.Rate rate = rates.get(policy);
        Optional<Decision> counted = policy.sharedAcrossNodes() ? takeShared(id, rate, now) : Optional.empty();
        if (counted.isPresent()) {
            return counted.get();
        }
        if (buckets.size() >= MAX_BUCKETS && !buckets.containsKey(id)) {
            id = policy.wireName() + "|" + OVERFLOW;
        }
        Decision[] out = new Decision[1];
        buckets.compute(id, (k, bucket) -> {
            TokenBucket b = bucket == null ? new TokenBucket(rate, now) : bucket;
            out[0] = b.take(now);
            return b;
        });
        return out[0];
    }

    private Optional<Decision> takeShared(String id, Settings.Rate rate, long now) {
        if (shared.isEmpty() || now < sharedDownUntil.get()) {
            return Optional.empty();
        }
        try {
            return Optional.of(shared.get().take(id, rate));
        } catch (RuntimeException e) {
            if (sharedDownUntil.getAndSet(now + SHARED_RETRY_MILLIS) < now) {
                LOG.warn("Rate limits are counted by this node alone for {} s: the shared buckets cannot be reached ({})",
                        SHARED_RETRY_MILLIS / 1000, e.toString());
            }
            return Optional.empty();
        }
    }

    int size() {
        return buckets.size();
    }

    private void spend(Context ctx, RatePolicy policy, String key) {
        Decision d = take(policy, key);
        ctx.header("RateLimit-Policy", policyHeaders.get(policy));
        ctx.header("RateLimit", "\"" + policy.wireName() + "\";r=" + d.remaining() + ";t=" + d.resetSeconds());
        ctx.header("X-RateLimit-Limit", Integer.toString(d.limit()));
        ctx.header("X-RateLimit-Remaining", Integer.toString(d.remaining()));
        ctx.header("X-RateLimit-Reset", Long.toString(clock.instant().getEpochSecond() + d.resetSeconds()));
        if (!d.allowed()) {
            ctx.header("Retry-After", Long.toString(d.retryAfterSeconds()));
            throw new VectisException(VectisException.Kind.RATE_LIMITED, "RATE_LIMITED", "Rate limit exceeded: "
                    + "policy " + policy.wireName() + " allows " + d.limit() + " requests per minute per "
                    + policy.key().word() + "; retry in " + d.retryAfterSeconds() + " s");
        }
    }

    /** The body as JSON for a contract to read an account from; anything else is for its handler to refuse. */
    private JsonNode body(Context ctx) {
        try {
            JsonNode tree = mapper.readTree(RequestGuard.body(ctx));
            return tree == null ? MissingNode.getInstance() : tree;
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    /**
     * Once a window, drops buckets that have refilled, in memory and in the database: a new
     * bucket would be identical, so forgetting them changes nothing but the space held.
     */
    private void sweepIfDue(long now) {
        long last = lastSweep.get();
        if (now - last < TokenBucket.WINDOW_MILLIS || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        // Off the request's thread: the request that happens to fall due should not wait for it.
        shared.ifPresent(buckets -> CompletableFuture.runAsync(buckets::sweep).exceptionally(e -> {
            LOG.warn("Could not delete expired rate-limit buckets: {}", e.toString());
            return null;
        }));
        for (String key : buckets.keySet()) {
            buckets.computeIfPresent(key, (k, b) -> b.full(now) ? null : b);
        }
    }
}
