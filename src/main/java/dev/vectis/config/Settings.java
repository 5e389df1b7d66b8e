package dev.vectis.config;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.vectis.config.KeyRules.Default;
import dev.vectis.config.KeyRules.OneOf;
import dev.vectis.config.KeyRules.OnePerLine;
import dev.vectis.config.KeyRules.PerPolicy;
import dev.vectis.config.KeyRules.Port;
import dev.vectis.config.KeyRules.Range;
import dev.vectis.net.IpLiteral;
import dev.vectis.sessions.LogPatterns;
import dev.vectis.sessions.ProvisionRules;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The whole configuration, validated and immutable. These records are also the list of keys:
 * {@link ConfigLoader} binds the file and the environment into them with Jackson, each
 * component being the key of its snake-case name. docs/configuration.md describes each key.
 */
public record Settings(
        Server server,
        @Default("./data") Path dataDir,
        Database database,
        Optional<Secret> adminToken,
        @Default("") List<Secret> workerTokens,
        Executor executor,
        Jwt jwt,
        RateLimit rateLimit,
        Providers providers,
        Fleet fleet,
        Heartbeat heartbeat,
        Metrics metrics,
        Events events,
        Marketplace marketplace,
        Log log) {

    /** The admin token opens everything; a short one is guessable. */
    static final int MIN_ADMIN_TOKEN_CHARS = 32;

    public Settings {
        if (adminToken.isPresent() && adminToken.get().reveal().length() < MIN_ADMIN_TOKEN_CHARS) {
            throw ConfigException.forKey("admin_token", "must be at least " + MIN_ADMIN_TOKEN_CHARS
                    + " characters; leave it unset to have one generated");
        }
        workerTokens = List.copyOf(workerTokens);
    }

    public Duration metricsRetention() {
        return Duration.ofDays(metrics.retentionDays());
    }

    public Optional<Secret> metricsToken() {
        return metrics.token();
    }

    public Duration eventsRetention() {
        return Duration.ofDays(events.retentionDays());
    }

    public Streams streams() {
        return server.streams();
    }

    /**
     * Where and how the server listens. Trusted proxies are IP literals or CIDR blocks (no name
     * is ever looked up): X-Forwarded-* is believed only from them.
     */
    public record Server(
            @Default("0.0.0.0") String host,
            @Default("8080") @Port(anyFree = true) int port,
            @Default("") @Port List<Integer> extraPorts,
            Cors cors,
            @Default("") List<String> trustedProxies,
            @Default("10MiB") long maxBodyBytes,
            @Default("20") @Range(min = 0, max = 600) @JsonProperty("shutdown_timeout_seconds") Duration shutdownTimeout,
            @JsonUnwrapped ClientLimits clients,
            @JsonUnwrapped Streams streams) {

        public Server {
            extraPorts = List.copyOf(extraPorts);
            trustedProxies = List.copyOf(trustedProxies);
            for (String network : trustedProxies) {
                if (IpLiteral.parseNetwork(network).isEmpty()) {
                    throw ConfigException.forKey("server.trusted_proxies",
                            "\"" + network + "\" is not an IP address or CIDR block");
                }
            }
        }

        /** A server with the default stream limits, as tests and tools make one. */
        public Server(String host, int port, List<Integer> extraPorts, List<String> corsAllowedOrigins,
                      List<String> trustedProxies, long maxBodyBytes, Duration shutdownTimeout, ClientLimits clients) {
            this(host, port, extraPorts, new Cors(corsAllowedOrigins), trustedProxies, maxBodyBytes, shutdownTimeout,
                    clients, Streams.DEFAULT);
        }

        public List<String> corsAllowedOrigins() {
            return cors.allowedOrigins();
        }
    }

    /** Origins allowed to call from a browser: "*", or scheme, host and optional port, nothing more. */
    public record Cors(@Default("") List<String> allowedOrigins) {

        public Cors {
            allowedOrigins = List.copyOf(allowedOrigins);
            allowedOrigins.stream().filter(o -> !o.equals("*") && !isOrigin(o)).findFirst().ifPresent(o -> {
                throw ConfigException.forKey("server.cors.allowed_origins",
                        "\"" + o + "\" is not an origin (e.g. https://console.example.com)");
            });
        }

        private static boolean isOrigin(String text) {
            try {
                URI uri = new URI(text);
                return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                        && (uri.getRawPath() == null || uri.getRawPath().isEmpty()) && uri.getRawQuery() == null
                        && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
            } catch (URISyntaxException e) {
                return false;
            }
        }
    }

    /** What one client address may hold: see docs/operations.md, "Slow and greedy clients". */
    public record ClientLimits(
            @Default("512") @Range(min = 1, max = 1_000_000) @JsonProperty("max_connections_per_address")
            int connectionsPerAddress,
            @Default("256") @Range(min = 1, max = 1_000_000) @JsonProperty("max_requests_per_address")
            int requestsPerAddress,
            @Default("10") @Range(min = 1, max = 600) @JsonProperty("header_timeout_seconds") Duration headerTimeout,
            @Default("60") @Range(min = 1, max = 3600) @JsonProperty("body_timeout_seconds") Duration bodyTimeout,
            @Default("256") @Range(min = 1, max = 1L << 30) @JsonProperty("min_request_bytes_per_second")
            long minBytesPerSecond) {

        /** The defaults: room for a hundred agents behind one NAT address, each with a long poll open. */
        public static final ClientLimits DEFAULT = ConfigLoader.defaults(ClientLimits.class);
    }

    /** Event streams open at once: see docs/operations.md, "Event streams". */
    public record Streams(
            @Default("16") @Range(min = 1, max = 1_000_000) @JsonProperty("max_streams_per_user") int perUser,
            @Default("64") @Range(min = 1, max = 1_000_000) @JsonProperty("max_streams_per_address") int perAddress,
            @Default("100") @Range(min = 1, max = 1_000_000) @JsonProperty("max_streams") int perNode) {

        /** A user's browser tabs fit; on Java 17 each stream holds one of 200 handler threads. */
        public static final Streams DEFAULT = ConfigLoader.defaults(Streams.class);
    }

    /** No url: the embedded H2 database under data_dir. */
    public record Database(Optional<String> url, Optional<String> user, Optional<Secret> password,
                           @Default("10") @Range(min = 1, max = 500) int poolSize) {

        public Database {
            if (url.isPresent() && !url.get().startsWith("jdbc:postgresql:") && !url.get().startsWith("jdbc:h2:")) {
                throw ConfigException.forKey("database.url", "only jdbc:postgresql: and jdbc:h2: URLs are supported");
            }
        }
    }

    public enum ExecutorAuth { TOKEN, NONE }

    /** command-executor.md settings; see docs/command-executor.md. */
    public record Executor(
            @Default("token") ExecutorAuth auth,
            @Default("false") boolean directEnabled,
            @Default("distributed") @OneOf({"distributed", "direct"}) String defaultMode,
            @Default("3600") @Range(min = 1, max = 604_800) @JsonProperty("job_timeout_seconds") Duration jobTimeout,
            @Default("600") @Range(min = 1, max = 86_400) @JsonProperty("direct_timeout_seconds") Duration directTimeout,
            @Default("4MiB") long outputCapBytes,
            @Default("100MiB") long maxUploadBytes) {
    }

    /** No secret: one is generated and kept under data_dir. Previous secrets only verify (key rotation). */
    public record Jwt(Optional<Secret> secret, @Default("") List<Secret> previousSecrets,
                      @Default("24") @Range(min = 1, max = 8760) int expiryHours) {

        /** Shorter HS256 keys are brute-forceable; RFC 7518 asks for at least the hash size. */
        static final int MIN_SECRET_BYTES = 32;

        public Jwt {
            if (secret.isPresent() && secret.get().bytes().length < MIN_SECRET_BYTES) {
                throw ConfigException.forKey("jwt.secret", "must be at least " + MIN_SECRET_BYTES
                        + " bytes (256 bits); leave it unset to have one generated");
            }
            previousSecrets = List.copyOf(previousSecrets);
            if (previousSecrets.stream().anyMatch(s -> s.bytes().length < MIN_SECRET_BYTES)) {
                throw ConfigException.forKey("jwt.previous_secrets", "each must be at least " + MIN_SECRET_BYTES
                        + " bytes (256 bits)");
            }
        }
    }

    /** rate_limit: on or off, and each policy's rate; see {@link RatePolicy}. */
    public record RateLimit(boolean enabled, Map<RatePolicy, Rate> rates) {

        public RateLimit {
            rates = Map.copyOf(rates);
            if (!rates.keySet().containsAll(EnumSet.allOf(RatePolicy.class))) {
                throw new IllegalArgumentException("every rate-limit policy needs a rate");
            }
        }

        /** The file's form: the provider document's rate, then each policy's own keys. */
        @JsonCreator
        static RateLimit bind(@JsonProperty("enabled") @Default("true") boolean enabled,
                              @JsonProperty("requests_per_minute") @Default("60") @Range(min = 1, max = 1_000_000)
                              int requestsPerMinute,
                              @JsonAnySetter @PerPolicy Map<String, PolicyRate> policies) {
            Map<RatePolicy, Rate> rates = new EnumMap<>(RatePolicy.class);
            for (RatePolicy policy : RatePolicy.values()) {
                PolicyRate own = policies == null ? null : policies.get(policy.wireName());
                int perMinute = own == null || own.requestsPerMinute() == null ? requestsPerMinute : own.requestsPerMinute();
                rates.put(policy, new Rate(perMinute, own == null || own.burst() == null ? perMinute : own.burst()));
            }
            return new RateLimit(enabled, rates);
        }

        public Rate rate(RatePolicy policy) {
            return rates.get(policy);
        }
    }

    /** rate_limit.<policy>: unset, the rate falls back as {@link RatePolicy} says. */
    record PolicyRate(@Range(min = 1, max = 1_000_000) Integer requestsPerMinute,
                      @Range(min = 1, max = 1_000_000) Integer burst) {
    }

    /** A token bucket: refills at perMinute, holds up to burst requests. */
    public record Rate(int perMinute, int burst) {
    }

    /** provider-registry.md accounts; bcrypt_cost prices every API-key check (12: about a quarter second). */
    public record Providers(@Default("12") @Range(min = 4, max = 16) int bcryptCost) {
    }

    /** Workers enrolled through fleet-registration.md get subdomains under this domain. */
    public record Fleet(@Default("vectis.dev") String domain) {

        public Fleet {
            domain = domain.toLowerCase(Locale.ROOT);
            if (!domain.matches("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]{0,62}")) {
                throw ConfigException.forKey("fleet.domain",
                        "\"" + domain + "\" is not a DNS domain (e.g. fleet.example.com)");
            }
        }
    }

    /**
     * The offline window; the heartbeat interval the server asks of its agents (empty: derived
     * from the window); how long the liveness sweep may hold off when most of the fleet goes
     * quiet at once (zero: never).
     */
    public record Heartbeat(
            @Default("30") @Range(min = 5, max = 86_400) @JsonProperty("offline_after_seconds") Duration offlineAfter,
            @Range(min = 1, max = 3600) @JsonProperty("interval_seconds") Optional<Duration> interval,
            @Default("300") @Range(min = 0, max = 86_400) @JsonProperty("silence_hold_seconds") Duration silenceHold) {

        /**
         * An agent keeping the interval, jitter included, must never look quiet to the silence
         * brake (half the window) nor miss the window: so at most a third of it.
         */
        public Heartbeat {
            if (interval.isPresent() && interval.get().toSeconds() * 3 > offlineAfter.toSeconds()) {
                throw ConfigException.forKey("heartbeat.interval_seconds", "must be at most a third of "
                        + "heartbeat.offline_after_seconds (" + offlineAfter.toSeconds() + "), so that one late "
                        + "heartbeat does not make a worker look silent");
            }
        }
    }

    /** Heartbeat metrics samples are kept this long; with a token, /metrics asks for it. */
    public record Metrics(@Default("7") @Range(min = 1, max = 3650) int retentionDays, Optional<Secret> token) {
    }

    /** The event log, and finished jobs' output history, are kept this long. */
    public record Events(@Default("30") @Range(min = 1, max = 3650) int retentionDays) {
    }

    /**
     * How long a VM may take to become ready, how long one call to a worker may take (its whole
     * answer included), the default log rules of products that set none, the longest wait
     * between stop retries, how many background calls may run at once to one worker and to all,
     * and each worker's circuit breaker: the failed calls in a row that open it, and for how long.
     */
    public record Marketplace(
            @Default("900") @Range(min = 10, max = 86_400) @JsonProperty("provision_timeout_seconds")
            Duration provisionTimeout,
            @Default("15") @Range(min = 1, max = 300) @JsonProperty("worker_timeout_seconds") Duration workerTimeout,
            @Default(ProvisionRules.READY_LINES) @OnePerLine List<String> readyPatterns,
            @Default(ProvisionRules.FAILURE_LINES) @OnePerLine List<String> failurePatterns,
            @Default(ProvisionRules.REDACT_LINES) @OnePerLine List<String> redactPatterns,
            @Default(ProvisionRules.REFUND) @OneOf({ProvisionRules.REFUND, ProvisionRules.KEEP}) String onProvisionTimeout,
            @Default("300") @Range(min = 2, max = 86_400) @JsonProperty("stop_retry_max_seconds") Duration stopRetryMax,
            @Default("4") @Range(min = 1, max = 64) int callsPerWorker,
            @Default("32") @Range(min = 1, max = 512) int callsInAll,
            @Default("5") @Range(min = 1, max = 1000) int breakerFailures,
            @Default("30") @Range(min = 1, max = 3600) @JsonProperty("breaker_open_seconds") Duration breakerOpen,
            @Default("20") @Range(min = 0, max = 3600) @JsonProperty("failure_quiet_seconds") Duration failureQuiet) {

        public Marketplace {
            readyPatterns = patterns("ready_patterns", readyPatterns);
            failurePatterns = patterns("failure_patterns", failurePatterns);
            redactPatterns = patterns("redact_patterns", redactPatterns);
        }

        private static List<String> patterns(String key, List<String> patterns) {
            try {
                LogPatterns.compileAll(patterns, "");
            } catch (IllegalArgumentException e) {
                throw ConfigException.forKey("marketplace." + key, e.getMessage());
            }
            return List.copyOf(patterns);
        }
    }

    public enum LogFormat { TEXT, JSON }

    public record Log(@Default("info") @OneOf({"trace", "debug", "info", "warn", "error"}) String level,
                      @Default("text") LogFormat format) {
    }
}
