package dev.vectis.config;

import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The rate-limit policies: which calls each one counts and what it counts them by. A call with
 * a verified credential counts under its credential's policy; a call without one counts under
 * the address policy of the contract it calls; sign-in calls count per account as well. Rates
 * are configuration ({@code rate_limit.<name>.requests_per_minute} and {@code .burst}); the
 * defaults are here. Unset, a rate is the provider document's {@code rate_limit.requests_per_minute}
 * and a burst is the rate.
 */
public enum RatePolicy {
    /** provider-registry.md's "60 requests per minute per IP address", for calls without a provider token. */
    PROVIDER(Key.ADDRESS, 0, 0),
    PROVIDER_TOKEN(Key.CREDENTIAL, 600, 0),
    MARKETPLACE(Key.ADDRESS, 60, 0),
    MARKETPLACE_USER(Key.CREDENTIAL, 600, 0),
    /** POST /auth/login and /api/v1/registration/auth, whatever address they come from. */
    LOGIN(Key.ACCOUNT, 5, 10),
    /** Polling agents: with executor.auth none a whole fleet behind one NAT address shares this. */
    EXECUTOR_WORKER(Key.ADDRESS, 3_000, 0),
    EXECUTOR_SUBMITTER(Key.ADDRESS, 600, 0),
    /** Worker tokens and signed workers. */
    FLEET(Key.CREDENTIAL, 12_000, 0),
    ADMIN(Key.CREDENTIAL, 12_000, 0),
    /** Calls without a credential to every other contract. */
    ANONYMOUS(Key.ADDRESS, 60, 0);

    /** What a policy's buckets are kept per. */
    public enum Key {
        ADDRESS("address"), CREDENTIAL("credential"), ACCOUNT("account");

        private final String word;

        Key(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    private final Key key;
    private final String wireName;
    private final Map<String, String> defaults = new HashMap<>();

    /** A zero rate or burst has no default of its own. */
    RatePolicy(Key key, int perMinute, int burst) {
        this.key = key;
        this.wireName = name().toLowerCase(Locale.ROOT);
        if (perMinute > 0) {
            defaults.put("requests_per_minute", Integer.toString(perMinute));
        }
        if (burst > 0) {
            defaults.put("burst", Integer.toString(burst));
        }
    }

    public Key key() {
        return key;
    }

    /**
     * Whether several nodes count this policy together (PostgreSQL only). The fleet's and the
     * admin's own calls are counted by each node alone: they are trusted and many, often under
     * one token or one NAT address, so a shared bucket would be one database row that every
     * poll and heartbeat of the fleet queues on; their limits are there to protect a node.
     */
    public boolean sharedAcrossNodes() {
        return this != FLEET && this != ADMIN && this != EXECUTOR_WORKER;
    }

    /** Default values of this policy's keys, by key name under {@code rate_limit.<name>}. */
    Map<String, String> defaults() {
        return Collections.unmodifiableMap(defaults);
    }

    /** As written in configuration keys and in RateLimit-Policy headers. */
    public String wireName() {
        return wireName;
    }
}
