package dev.vectis.config;

import java.util.Locale;

/**
 * The rate-limit policies: which calls each one counts and what it counts them by. A call with
 * a verified credential counts under its credential's policy; a call without one counts under
 * the address policy of the contract it calls; sign-in calls count per account as well. Rates
 * are configuration ({@code rate_limit.<name>.requests_per_minute} and {@code .burst}).
 */
public enum RatePolicy {
    /** provider-registry.md's "60 requests per minute per IP address", for calls without a provider token. */
    PROVIDER(Key.ADDRESS),
    PROVIDER_TOKEN(Key.CREDENTIAL),
    MARKETPLACE(Key.ADDRESS),
    MARKETPLACE_USER(Key.CREDENTIAL),
    /** POST /auth/login and /api/v1/registration/auth, whatever address they come from. */
    LOGIN(Key.ACCOUNT),
    /** Polling agents: with executor.auth none a whole fleet behind one NAT address shares this. */
    EXECUTOR_WORKER(Key.ADDRESS),
    EXECUTOR_SUBMITTER(Key.ADDRESS),
    /** Worker tokens and signed workers. */
    FLEET(Key.CREDENTIAL),
    ADMIN(Key.CREDENTIAL),
    /** Calls without a credential to every other contract. */
    ANONYMOUS(Key.ADDRESS);

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

    RatePolicy(Key key) {
        this.key = key;
        this.wireName = name().toLowerCase(Locale.ROOT);
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

    /** As written in configuration keys and in RateLimit-Policy headers. */
    public String wireName() {
        return wireName;
    }
}
