package dev.vectis.config;

import dev.vectis.sessions.ProvisionRules;
import java.util.List;
import java.util.function.Function;

/** Every configuration key Vectis knows, with its default. docs/configuration.md describes each. */
final class ConfigKeys {

    /** Requests per minute or burst size of a rate-limit policy; declared before ALL, which uses it. */
    private static final Function<Object, Object> RATE = ConfigParsers.integer(1, 1_000_000);
    private static final Settings.ClientLimits CLIENTS = Settings.ClientLimits.DEFAULT;
    private static final Settings.Streams STREAMS = Settings.Streams.DEFAULT;

    static final List<ConfigKey> ALL = List.of(
            key("server.host", "0.0.0.0", ConfigParsers::text),
            key("server.port", 8080, ConfigParsers::port),
            key("server.extra_ports", List.of(), ConfigParsers::portList),
            key("server.cors.allowed_origins", List.of(), ConfigParsers::origins),
            key("server.trusted_proxies", List.of(), ConfigParsers::networks),
            key("server.max_body_bytes", 10L << 20, ConfigParsers::size),
            key("server.shutdown_timeout_seconds", 20, ConfigParsers.integer(0, 600)),
            key("server.max_connections_per_address", CLIENTS.connectionsPerAddress(), ConfigParsers.integer(1, 1_000_000)),
            key("server.max_requests_per_address", CLIENTS.requestsPerAddress(), ConfigParsers.integer(1, 1_000_000)),
            key("server.header_timeout_seconds", (int) CLIENTS.headerTimeout().toSeconds(), ConfigParsers.integer(1, 600)),
            key("server.body_timeout_seconds", (int) CLIENTS.bodyTimeout().toSeconds(), ConfigParsers.integer(1, 3600)),
            key("server.min_request_bytes_per_second", CLIENTS.minBytesPerSecond(), ConfigParsers::size),
            key("server.max_streams_per_user", STREAMS.perUser(), ConfigParsers.integer(1, 1_000_000)),
            key("server.max_streams_per_address", STREAMS.perAddress(), ConfigParsers.integer(1, 1_000_000)),
            key("server.max_streams", STREAMS.perNode(), ConfigParsers.integer(1, 1_000_000)),
            key("data_dir", "./data", ConfigParsers::text),
            key("database.url", null, ConfigParsers::jdbcUrl),
            key("database.user", null, ConfigParsers::text),
            secret("database.password", ConfigParsers::secret),
            key("database.pool_size", 10, ConfigParsers.integer(1, 500)),
            secret("admin_token", ConfigKeys::adminToken),
            secret("worker_tokens", ConfigParsers::secretList),
            key("executor.auth", "token", ConfigParsers.oneOf("token", "none")),
            key("executor.direct_enabled", false, ConfigParsers::bool),
            key("executor.default_mode", "distributed", ConfigParsers.oneOf("distributed", "direct")),
            key("executor.job_timeout_seconds", 3600, ConfigParsers.integer(1, 604_800)),
            key("executor.direct_timeout_seconds", 600, ConfigParsers.integer(1, 86_400)),
            key("executor.output_cap_bytes", 4L << 20, ConfigParsers::size),
            key("executor.max_upload_bytes", 100L << 20, ConfigParsers::size),
            secret("jwt.secret", ConfigKeys::jwtSecret),
            secret("jwt.previous_secrets", ConfigKeys::previousJwtSecrets),
            key("jwt.expiry_hours", 24, ConfigParsers.integer(1, 8760)),
            key("rate_limit.enabled", true, ConfigParsers::bool),
            key("rate_limit.requests_per_minute", 60, ConfigParsers.integer(1, 1_000_000)),
            // One pair per RatePolicy. Unset: provider's rate is rate_limit.requests_per_minute; a burst is the rate.
            key("rate_limit.provider.requests_per_minute", null, RATE),
            key("rate_limit.provider.burst", null, RATE),
            key("rate_limit.provider_token.requests_per_minute", 600, RATE),
            key("rate_limit.provider_token.burst", null, RATE),
            key("rate_limit.marketplace.requests_per_minute", 60, RATE),
            key("rate_limit.marketplace.burst", null, RATE),
            key("rate_limit.marketplace_user.requests_per_minute", 600, RATE),
            key("rate_limit.marketplace_user.burst", null, RATE),
            key("rate_limit.login.requests_per_minute", 5, RATE),
            key("rate_limit.login.burst", 10, RATE),
            key("rate_limit.executor_worker.requests_per_minute", 3_000, RATE),
            key("rate_limit.executor_worker.burst", null, RATE),
            key("rate_limit.executor_submitter.requests_per_minute", 600, RATE),
            key("rate_limit.executor_submitter.burst", null, RATE),
            key("rate_limit.fleet.requests_per_minute", 12_000, RATE),
            key("rate_limit.fleet.burst", null, RATE),
            key("rate_limit.admin.requests_per_minute", 12_000, RATE),
            key("rate_limit.admin.burst", null, RATE),
            key("rate_limit.anonymous.requests_per_minute", 60, RATE),
            key("rate_limit.anonymous.burst", null, RATE),
            key("providers.bcrypt_cost", 12, ConfigParsers.integer(4, 16)),
            key("fleet.domain", "vectis.dev", ConfigKeys::domain),
            key("heartbeat.offline_after_seconds", 30, ConfigParsers.integer(5, 86_400)),
            // Unset: 10 s, or a third of a shorter offline window (Pace.forWindow).
            key("heartbeat.interval_seconds", null, ConfigParsers.integer(1, 3600)),
            key("heartbeat.silence_hold_seconds", 300, ConfigParsers.integer(0, 86_400)),
            secret("metrics.token", ConfigParsers::secret),
            key("metrics.retention_days", 7, ConfigParsers.integer(1, 3650)),
            key("events.retention_days", 30, ConfigParsers.integer(1, 3650)),
            key("marketplace.provision_timeout_seconds", 900, ConfigParsers.integer(10, 86_400)),
            key("marketplace.worker_timeout_seconds", 15, ConfigParsers.integer(1, 300)),
            key("marketplace.ready_patterns", ProvisionRules.DEFAULT_READY, ConfigParsers::patterns),
            key("marketplace.failure_patterns", ProvisionRules.DEFAULT_FAILURE, ConfigParsers::patterns),
            key("marketplace.redact_patterns", ProvisionRules.DEFAULT_REDACT, ConfigParsers::patterns),
            key("marketplace.on_provision_timeout", ProvisionRules.REFUND,
                    ConfigParsers.oneOf(ProvisionRules.REFUND, ProvisionRules.KEEP)),
            key("marketplace.stop_retry_max_seconds", 300, ConfigParsers.integer(2, 86_400)),
            key("marketplace.calls_per_worker", 4, ConfigParsers.integer(1, 64)),
            key("marketplace.calls_in_all", 32, ConfigParsers.integer(1, 512)),
            key("marketplace.breaker_failures", 5, ConfigParsers.integer(1, 1000)),
            key("marketplace.breaker_open_seconds", 30, ConfigParsers.integer(1, 3600)),
            key("marketplace.failure_quiet_seconds", 20, ConfigParsers.integer(0, 3600)),
            key("log.level", "info", ConfigParsers.oneOf("trace", "debug", "info", "warn", "error")),
            key("log.format", "text", ConfigParsers.oneOf("text", "json")));

    /** Shorter HS256 keys are brute-forceable; RFC 7518 asks for at least the hash size. */
    static final int MIN_JWT_SECRET_BYTES = 32;

    /** The admin token opens everything; a short one is guessable. */
    static final int MIN_ADMIN_TOKEN_CHARS = 32;

    private ConfigKeys() {
    }

    private static ConfigKey key(String path, Object defaultValue, Function<Object, Object> parser) {
        return new ConfigKey(path, defaultValue, parser, false);
    }

    private static ConfigKey secret(String path, Function<Object, Object> parser) {
        boolean list = path.equals("worker_tokens") || path.equals("jwt.previous_secrets");
        return new ConfigKey(path, list ? List.of() : null, parser, true);
    }

    private static Object domain(Object raw) {
        String domain = ((String) ConfigParsers.text(raw)).toLowerCase(java.util.Locale.ROOT);
        if (!domain.matches("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]{0,62}")) {
            throw new IllegalArgumentException("\"" + raw + "\" is not a DNS domain (e.g. fleet.example.com)");
        }
        return domain;
    }

    private static Object adminToken(Object raw) {
        Secret token = (Secret) ConfigParsers.secret(raw);
        if (token.reveal().length() < MIN_ADMIN_TOKEN_CHARS) {
            throw new IllegalArgumentException("must be at least " + MIN_ADMIN_TOKEN_CHARS
                    + " characters; leave it unset to have one generated");
        }
        return token;
    }

    private static Object jwtSecret(Object raw) {
        Secret secret = (Secret) ConfigParsers.secret(raw);
        if (secret.bytes().length < MIN_JWT_SECRET_BYTES) {
            throw new IllegalArgumentException("must be at least " + MIN_JWT_SECRET_BYTES
                    + " bytes (256 bits); leave it unset to have one generated");
        }
        return secret;
    }

    @SuppressWarnings("unchecked")
    private static Object previousJwtSecrets(Object raw) {
        List<Secret> secrets = (List<Secret>) ConfigParsers.secretList(raw);
        if (secrets.stream().anyMatch(s -> s.bytes().length < MIN_JWT_SECRET_BYTES)) {
            throw new IllegalArgumentException("each must be at least " + MIN_JWT_SECRET_BYTES + " bytes (256 bits)");
        }
        return secrets;
    }
}
