package dev.vectis.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.api.provider.ProviderApi;
import dev.vectis.config.RatePolicy;
import dev.vectis.config.Settings;
import dev.vectis.testing.Http;
import dev.vectis.testing.MutableClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private static final RatePolicy A = RatePolicy.ANONYMOUS;
    private final MutableClock clock = new MutableClock();
    private HttpServer server;

    private RateLimiter limiter(int perMinute) {
        return limiter(perMinute, perMinute);
    }

    private RateLimiter limiter(int perMinute, int burst) {
        return new RateLimiter(rates(true, perMinute, burst), clock, CallerIdentities.none());
    }

    /** Every policy at the same rate. */
    static Settings.RateLimit rates(boolean enabled, int perMinute, int burst) {
        Map<RatePolicy, Settings.Rate> rates = new EnumMap<>(RatePolicy.class);
        for (RatePolicy p : RatePolicy.values()) {
            rates.put(p, new Settings.Rate(perMinute, burst));
        }
        return new Settings.RateLimit(enabled, rates);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void aClientMayBurstToTheLimitThenGoesAtTheSteadyRate() {
        RateLimiter limiter = limiter(60);
        for (int i = 59; i >= 0; i--) {
            RateLimiter.Decision d = limiter.take(A, "203.0.113.1");
            assertThat(d.allowed()).isTrue();
            assertThat(d.remaining()).isEqualTo(i);
            assertThat(d.limit()).isEqualTo(60);
        }
        RateLimiter.Decision refused = limiter.take(A, "203.0.113.1");
        assertThat(refused).isEqualTo(new RateLimiter.Decision(false, 60, 0, 60, 1));
        assertThat(limiter.take(A, "203.0.113.2").allowed()).isTrue();

        clock.advance(Duration.ofMillis(999));
        assertThat(limiter.take(A, "203.0.113.1").allowed()).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(limiter.take(A, "203.0.113.1").allowed()).isTrue();
        assertThat(limiter.take(A, "203.0.113.1").allowed()).isFalse();

        clock.advance(Duration.ofMinutes(5));
        RateLimiter.Decision full = limiter.take(A, "203.0.113.1");
        assertThat(full.remaining()).isEqualTo(59);
        assertThat(full.resetSeconds()).isEqualTo(1);
    }

    @Test
    void slowLimitsReportWhenTheNextRequestFits() {
        RateLimiter limiter = limiter(2);
        assertThat(limiter.take(A, "a").resetSeconds()).isEqualTo(30);
        assertThat(limiter.take(A, "a").resetSeconds()).isEqualTo(60);
        assertThat(limiter.take(A, "a")).isEqualTo(new RateLimiter.Decision(false, 2, 0, 60, 30));
        clock.advance(Duration.ofSeconds(10));
        assertThat(limiter.take(A, "a").retryAfterSeconds()).isEqualTo(20);
    }

    @Test
    void aBurstAboveTheRateIsHeldThenRefillsAtTheRate() {
        RateLimiter limiter = limiter(6, 10);
        for (int i = 9; i >= 0; i--) {
            assertThat(limiter.take(A, "a").remaining()).isEqualTo(i);
        }
        assertThat(limiter.take(A, "a")).isEqualTo(new RateLimiter.Decision(false, 6, 0, 100, 10));
        clock.advance(Duration.ofSeconds(10));
        assertThat(limiter.take(A, "a").allowed()).isTrue();
        assertThat(limiter.take(A, "a").allowed()).isFalse();
        clock.advance(Duration.ofMinutes(2));
        assertThat(limiter.take(A, "a").remaining()).isEqualTo(9);
    }

    @Test
    void eachPolicyKeepsItsOwnBuckets() {
        RateLimiter limiter = limiter(1);
        assertThat(limiter.take(RatePolicy.EXECUTOR_WORKER, "203.0.113.1").allowed()).isTrue();
        assertThat(limiter.take(RatePolicy.EXECUTOR_WORKER, "203.0.113.1").allowed()).isFalse();
        assertThat(limiter.take(RatePolicy.EXECUTOR_SUBMITTER, "203.0.113.1").allowed()).isTrue();
        assertThat(limiter.take(RatePolicy.PROVIDER, "203.0.113.1").allowed()).isTrue();
    }

    @Test
    void idleBucketsAreForgotten() {
        RateLimiter limiter = limiter(60);
        for (int i = 0; i < 1000; i++) {
            limiter.take(A, "198.51.100." + (i % 250) + "/" + i);
        }
        assertThat(limiter.size()).isEqualTo(1000);
        clock.advance(Duration.ofSeconds(30));
        limiter.take(A, "busy");
        limiter.take(A, "busy");
        clock.advance(Duration.ofSeconds(31));
        limiter.take(A, "busy");
        // a minute on, the sweep drops every bucket that has refilled; only the caller's fresh one is left
        assertThat(limiter.size()).isEqualTo(1);
    }

    @Test
    void aFloodOfAddressesSharesOneOverflowBucket() {
        RateLimiter limiter = limiter(1_000_000);
        for (int i = 0; i < RateLimiter.MAX_BUCKETS; i++) {
            limiter.take(A, "client-" + i);
        }
        assertThat(limiter.size()).isEqualTo(RateLimiter.MAX_BUCKETS);
        limiter.take(A, "newcomer-1");
        limiter.take(A, "newcomer-2");
        assertThat(limiter.size()).isEqualTo(RateLimiter.MAX_BUCKETS + 1);
        assertThat(limiter.take(A, "client-7").remaining()).isEqualTo(1_000_000 - 2);
        assertThat(limiter.take(A, "newcomer-3").remaining()).isEqualTo(1_000_000 - 3);
    }

    @Test
    void aTrailingSlashDoesNotDodgeAPolicy() {
        assertThat(RateLimiter.withoutTrailingSlashes("/auth/login/")).isEqualTo("/auth/login");
        assertThat(RateLimiter.withoutTrailingSlashes("/auth/login///")).isEqualTo("/auth/login");
        assertThat(RateLimiter.withoutTrailingSlashes("/auth/login")).isEqualTo("/auth/login");
        assertThat(RateLimiter.withoutTrailingSlashes("/")).isEqualTo("/");
        assertThat(RateLimiter.withoutTrailingSlashes("//")).isEqualTo("");
    }

    @Test
    void aDisabledLimiterNeverRefuses() {
        start(RateLimiter.disabled(), List.of());
        Http http = new Http("http://127.0.0.1:" + server.port());
        for (int i = 0; i < 100; i++) {
            Http.Response r = http.get("/api/v1/registration/ping");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("RateLimit")).isNull();
        }
    }

    @Test
    void everyContractIsLimitedInItsOwnErrorShapeExceptHealthAndMetrics() {
        start(limiter(2), List.of());
        Http http = new Http("http://127.0.0.1:" + server.port());
        assertThat(http.get("/api/v1/registration/ping").header("X-RateLimit-Remaining")).isEqualTo("1");
        assertThat(http.get("/other/missing").status()).isEqualTo(404);
        // Each contract has its own policy: the 404 above counted under "anonymous", not "provider".
        assertThat(http.get("/api/v1/registration/ping").header("X-RateLimit-Remaining")).isEqualTo("0");
        assertThat(http.get("/other/ping").header("RateLimit-Policy")).isEqualTo("\"anonymous\";q=2;w=60");

        Http.Response provider = http.get("/api/v1/registration/ping");
        assertThat(provider.status()).isEqualTo(429);
        assertThat(provider.json().get("error").asText()).isEqualTo("Too Many Requests");
        assertThat(provider.json().get("code").asInt()).isEqualTo(429);
        assertThat(provider.header("Retry-After")).isEqualTo("30");
        assertThat(provider.header("RateLimit-Policy")).isEqualTo("\"provider\";q=2;w=60");

        Http.Response house = http.get("/other/ping");
        assertThat(house.status()).isEqualTo(429);
        assertThat(house.json().get("error").asText()).isEqualTo("rate_limited");
        assertThat(house.header("Retry-After")).isEqualTo("30");

        for (String exempt : List.of("/health", "/metrics", "/api/v1/registration/health")) {
            Http.Response r = http.get(exempt);
            assertThat(r.status()).as(exempt).isEqualTo(200);
            assertThat(r.header("X-RateLimit-Limit")).as(exempt).isNull();
        }
    }

    @Test
    void forwardedAddressesCountOnlyFromTrustedProxies() {
        start(limiter(1), List.of());
        Http http = new Http("http://127.0.0.1:" + server.port());
        assertThat(http.get("/other/ping", "X-Forwarded-For", "203.0.113.1").status()).isEqualTo(200);
        assertThat(http.get("/other/ping", "X-Forwarded-For", "203.0.113.2").status()).isEqualTo(429);
        server.stop();

        start(limiter(1), List.of("127.0.0.1"));
        http = new Http("http://127.0.0.1:" + server.port());
        assertThat(http.get("/other/ping", "X-Forwarded-For", "203.0.113.1").status()).isEqualTo(200);
        assertThat(http.get("/other/ping", "X-Forwarded-For", "203.0.113.2").status()).isEqualTo(200);
        assertThat(http.get("/other/ping", "X-Forwarded-For", "203.0.113.2").status()).isEqualTo(429);
        assertThat(http.get("/other/ping", "X-Forwarded-For", "198.51.100.9, 203.0.113.1").status()).isEqualTo(429);
    }

    private void start(RateLimiter limiter, List<String> trustedProxies) {
        ContractApi provider = new ContractApi() {
            private final ProviderApi api = new ProviderApi();

            @Override
            public boolean owns(String path) {
                return api.owns(path);
            }

            @Override
            public ErrorShape errorShape() {
                return api.errorShape();
            }

            @Override
            public RatePolicy addressPolicy(String method, String path) {
                return api.addressPolicy(method, path);
            }

            @Override
            public void routes(io.javalin.config.RoutesConfig r) {
                r.get("/api/v1/registration/ping", ctx -> ctx.result("pong"));
                r.get("/api/v1/registration/health", ctx -> ctx.result("ok"));
                r.get("/health", ctx -> ctx.result("ok"));
                r.get("/metrics", ctx -> ctx.result("# metrics"));
                r.get("/other/ping", ctx -> ctx.result("pong"));
            }
        };
        List<ContractApi> apis = List.of(provider);
        Settings.Server settings = new Settings.Server("127.0.0.1", 0, List.of(), List.of(), trustedProxies,
                64 * 1024, Duration.ofSeconds(2), Settings.ClientLimits.DEFAULT);
        server = new HttpServer(settings, 1 << 20, Json.mapper(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                apis, new ErrorRenderer(apis, new HouseErrors(), clock), limiter);
        server.start();
    }
}
