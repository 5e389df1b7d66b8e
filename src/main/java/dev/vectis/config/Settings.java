package dev.vectis.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The whole configuration, validated and immutable. Built only by {@link ConfigLoader}. */
public record Settings(
        Server server,
        Path dataDir,
        Database database,
        Optional<Secret> adminToken,
        List<Secret> workerTokens,
        Executor executor,
        Jwt jwt,
        RateLimit rateLimit,
        Fleet fleet,
        Heartbeat heartbeat,
        Duration metricsRetention,
        Optional<Secret> metricsToken,
        Duration eventsRetention,
        Marketplace marketplace,
        Log log,
        Providers providers,
        Streams streams) {

    public record Server(String host, int port, List<Integer> extraPorts, List<String> corsAllowedOrigins,
                         List<String> trustedProxies, long maxBodyBytes, Duration shutdownTimeout,
                         ClientLimits clients) {
    }

    /** What one client address may hold: see docs/operations.md, "Slow and greedy clients". */
    public record ClientLimits(int connectionsPerAddress, int requestsPerAddress, Duration headerTimeout,
                               Duration bodyTimeout, long minBytesPerSecond) {

        /** The defaults: room for a hundred agents behind one NAT address, each with a long poll open. */
        public static final ClientLimits DEFAULT =
                new ClientLimits(512, 256, Duration.ofSeconds(10), Duration.ofSeconds(60), 256);
    }

    /** Event streams open at once: see docs/operations.md, "Event streams". */
    public record Streams(int perUser, int perAddress, int perNode) {

        /** A user's browser tabs fit; on Java 17 each stream holds one of 200 handler threads. */
        public static final Streams DEFAULT = new Streams(16, 64, 100);
    }

    /** No url: the embedded H2 database under data_dir. */
    public record Database(Optional<String> url, Optional<String> user, Optional<Secret> password, int poolSize) {
    }

    public enum ExecutorAuth { TOKEN, NONE }

    /** command-executor.md settings; see docs/command-executor.md. */
    public record Executor(ExecutorAuth auth, boolean directEnabled, String defaultMode, Duration jobTimeout,
                           Duration directTimeout, long outputCapBytes, long maxUploadBytes) {
    }

    /** No secret: one is generated and kept under data_dir. Previous secrets only verify (key rotation). */
    public record Jwt(Optional<Secret> secret, List<Secret> previousSecrets, int expiryHours) {
    }

    /** rate_limit: on or off, and each policy's rate; see {@link RatePolicy}. */
    public record RateLimit(boolean enabled, Map<RatePolicy, Rate> rates) {

        public RateLimit {
            rates = Map.copyOf(rates);
            if (!rates.keySet().containsAll(EnumSet.allOf(RatePolicy.class))) {
                throw new IllegalArgumentException("every rate-limit policy needs a rate");
            }
        }

        public Rate rate(RatePolicy policy) {
            return rates.get(policy);
        }
    }

    /** A token bucket: refills at perMinute, holds up to burst requests. */
    public record Rate(int perMinute, int burst) {
    }

    /**
     * How long a VM may take to become ready, how long one call to a worker may take (its whole
     * answer included), the default log rules of products that set none, the longest wait
     * between stop retries, how many background calls may run at once to one worker and to all,
     * and each worker's circuit breaker: the failed calls in a row that open it, and for how long.
     */
    public record Marketplace(Duration provisionTimeout, Duration workerTimeout, List<String> readyPatterns,
                              List<String> failurePatterns, List<String> redactPatterns, String onProvisionTimeout,
                              Duration stopRetryMax, int callsPerWorker, int callsInAll, int breakerFailures,
                              Duration breakerOpen, Duration failureQuiet) {
    }

    /** Workers enrolled through fleet-registration.md get subdomains under this domain. */
    public record Fleet(String domain) {
    }

    /**
     * The offline window; the heartbeat interval the server asks of its agents (empty: derived
     * from the window); how long the liveness sweep may hold off when most of the fleet goes
     * quiet at once (zero: never).
     */
    public record Heartbeat(Duration offlineAfter, Optional<Duration> interval, Duration silenceHold) {
    }

    public enum LogFormat { TEXT, JSON }

    public record Log(String level, LogFormat format) {
    }

    /** provider-registry.md accounts; bcrypt_cost prices every API-key check (12: about a quarter second). */
    public record Providers(int bcryptCost) {
    }

    static Settings from(ConfigValues v, Path workingDir) {
        return new Settings(
                new Server(v.text("server.host"), v.integer("server.port"), v.list("server.extra_ports"),
                        v.list("server.cors.allowed_origins"), v.list("server.trusted_proxies"),
                        v.get("server.max_body_bytes"),
                        Duration.ofSeconds(v.integer("server.shutdown_timeout_seconds")),
                        new ClientLimits(v.integer("server.max_connections_per_address"),
                                v.integer("server.max_requests_per_address"),
                                Duration.ofSeconds(v.integer("server.header_timeout_seconds")),
                                Duration.ofSeconds(v.integer("server.body_timeout_seconds")),
                                v.get("server.min_request_bytes_per_second"))),
                workingDir.resolve(v.text("data_dir")).normalize(),
                new Database(v.optional("database.url"), v.optional("database.user"),
                        v.optional("database.password"), v.integer("database.pool_size")),
                v.optional("admin_token"),
                v.list("worker_tokens"),
                new Executor(ExecutorAuth.valueOf(v.text("executor.auth").toUpperCase(java.util.Locale.ROOT)),
                        v.get("executor.direct_enabled"), v.text("executor.default_mode"),
                        Duration.ofSeconds(v.integer("executor.job_timeout_seconds")),
                        Duration.ofSeconds(v.integer("executor.direct_timeout_seconds")),
                        v.get("executor.output_cap_bytes"), v.get("executor.max_upload_bytes")),
                new Jwt(v.optional("jwt.secret"), v.list("jwt.previous_secrets"), v.integer("jwt.expiry_hours")),
                rateLimit(v),
                new Fleet(v.text("fleet.domain")),
                heartbeat(v),
                Duration.ofDays(v.integer("metrics.retention_days")),
                v.optional("metrics.token"),
                Duration.ofDays(v.integer("events.retention_days")),
                new Marketplace(Duration.ofSeconds(v.integer("marketplace.provision_timeout_seconds")),
                        Duration.ofSeconds(v.integer("marketplace.worker_timeout_seconds")),
                        v.list("marketplace.ready_patterns"), v.list("marketplace.failure_patterns"),
                        v.list("marketplace.redact_patterns"), v.text("marketplace.on_provision_timeout"),
                        Duration.ofSeconds(v.integer("marketplace.stop_retry_max_seconds")),
                        v.integer("marketplace.calls_per_worker"), v.integer("marketplace.calls_in_all"),
                        v.integer("marketplace.breaker_failures"),
                        Duration.ofSeconds(v.integer("marketplace.breaker_open_seconds")),
                        Duration.ofSeconds(v.integer("marketplace.failure_quiet_seconds"))),
                new Log(v.text("log.level"), LogFormat.valueOf(v.text("log.format").toUpperCase(java.util.Locale.ROOT))),
                new Providers(v.integer("providers.bcrypt_cost")),
                new Streams(v.integer("server.max_streams_per_user"), v.integer("server.max_streams_per_address"),
                        v.integer("server.max_streams")));
    }

    /**
     * An agent keeping the interval, jitter included, must never look quiet to the silence
     * brake (half the window) nor miss the window: so at most a third of it.
     */
    private static Heartbeat heartbeat(ConfigValues v) {
        Duration offlineAfter = Duration.ofSeconds(v.integer("heartbeat.offline_after_seconds"));
        Optional<Integer> interval = v.optional("heartbeat.interval_seconds");
        if (interval.isPresent() && interval.get() * 3L > offlineAfter.toSeconds()) {
            throw ConfigException.forKey("heartbeat.interval_seconds", "must be at most a third of "
                    + "heartbeat.offline_after_seconds (" + offlineAfter.toSeconds() + "), so that one late "
                    + "heartbeat does not make a worker look silent");
        }
        return new Heartbeat(offlineAfter, interval.map(Duration::ofSeconds),
                Duration.ofSeconds(v.integer("heartbeat.silence_hold_seconds")));
    }

    private static RateLimit rateLimit(ConfigValues v) {
        Map<RatePolicy, Rate> rates = new EnumMap<>(RatePolicy.class);
        for (RatePolicy policy : RatePolicy.values()) {
            String prefix = "rate_limit." + policy.wireName() + ".";
            int perMinute = v.<Integer>optional(prefix + "requests_per_minute")
                    .orElseGet(() -> v.integer("rate_limit.requests_per_minute")); // the provider document's key
            rates.put(policy, new Rate(perMinute, v.<Integer>optional(prefix + "burst").orElse(perMinute)));
        }
        return new RateLimit(v.get("rate_limit.enabled"), rates);
    }
}
