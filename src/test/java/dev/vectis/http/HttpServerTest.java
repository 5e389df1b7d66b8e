package dev.vectis.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.api.executor.ExecutorApi;
import dev.vectis.api.fleet.FleetApi;
import dev.vectis.api.gateway.GatewayApi;
import dev.vectis.api.provider.ProviderApi;
import dev.vectis.config.Settings;
import dev.vectis.error.ConflictException;
import dev.vectis.error.InvalidInputException;
import dev.vectis.error.NotFoundException;
import dev.vectis.error.Violation;
import dev.vectis.testing.Http;
import dev.vectis.testing.RawHttp;
import io.javalin.config.RoutesConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shared HTTP behaviour, exercised through small routes mounted under each contract's paths. */
class HttpServerTest {

    record Item(String url, Integer port) {
    }

    record Echo(String name, Integer count, Boolean flag, List<Item> items) {
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final CountDownLatch slowStarted = new CountDownLatch(1);
    private HttpServer server;
    private Http http;

    private static ContractApi withRoutes(ContractApi api, Consumer<RoutesConfig> routes) {
        return new ContractApi() {
            @Override
            public boolean owns(String path) {
                return api.owns(path);
            }

            @Override
            public ErrorShape errorShape() {
                return api.errorShape();
            }

            @Override
            public void routes(RoutesConfig r) {
                routes.accept(r);
            }
        };
    }

    private static ContractApi contract(java.util.function.Predicate<String> owns, ErrorShape shape) {
        return new ContractApi() {
            @Override
            public boolean owns(String path) {
                return owns.test(path);
            }

            @Override
            public ErrorShape errorShape() {
                return shape;
            }
        };
    }

    private final CountDownLatch holdRelease = new CountDownLatch(1);
    private final java.util.concurrent.Semaphore held = new java.util.concurrent.Semaphore(0);
    private Settings.ClientLimits limits = Settings.ClientLimits.DEFAULT;

    private void start(List<String> cors, List<String> trustedProxies, List<Integer> extraPorts) {
        JsonBody body = new JsonBody(Json.mapper());
        List<ContractApi> apis = List.of(
                withRoutes(contract(path -> path.equals("/api/v1/workers"), FleetApi::errorBody), r -> r.post("/api/v1/workers", ctx -> {
                    throw new ConflictException("WORKER_EXISTS", "A worker with this IP is already registered");
                })),
                withRoutes(contract(path -> path.startsWith("/api/v1/workers/") || path.startsWith("/api/v1/webhooks"),
                        GatewayApi::errorBody), r -> r.get("/api/v1/workers/{id}/boom", ctx -> {
                    throw new IllegalStateException("secret internal detail");
                })),
                withRoutes(contract(path -> path.startsWith("/api/jobs"), ExecutorApi::errorBody), r -> {
                    r.post("/api/jobs/echo", ctx -> ctx.json(body.read(ctx, Echo.class)));
                    r.get("/api/jobs/missing", ctx -> {
                        throw new NotFoundException("JOB_NOT_FOUND", "Job not found");
                    });
                }),
                withRoutes(new ProviderApi(), r -> {
                    r.post("/api/v1/registration/echo", ctx -> ctx.json(body.read(ctx, Echo.class)));
                    r.post("/api/v1/registration/rules", ctx -> {
                        throw new InvalidInputException(List.of(
                                new Violation("email", "Invalid email format", "INVALID_EMAIL"),
                                new Violation("endpoints[0].url", "Invalid URL", "INVALID_URL")));
                    });
                }),
                withRoutes(contract(path -> path.startsWith("/admin"), new HouseErrors()), r -> {
                    r.get("/admin/slow", ctx -> {
                        slowStarted.countDown();
                        Thread.sleep(1500);
                        ctx.result("finished");
                    });
                    r.get("/admin/thread", ctx -> ctx.result(Thread.currentThread().toString()));
                    r.get("/admin/hold", ctx -> {
                        held.release();
                        holdRelease.await(20, TimeUnit.SECONDS);
                        ctx.result("released");
                    });
                    r.get("/admin/page", ctx -> ctx.html("<p>hi</p>"));
                    r.get("/admin/authorization", ctx -> ctx.result(String.valueOf(ctx.header("Authorization"))));
                }));
        Settings.Server settings = new Settings.Server("127.0.0.1", 0, extraPorts, cors, trustedProxies,
                64 * 1024, Duration.ofSeconds(5), limits);
        server = new HttpServer(settings, 1 << 20, Json.mapper(), registry, apis,
                new ErrorRenderer(apis, new HouseErrors(), Clock.systemUTC()));
        server.start();
        http = new Http("http://127.0.0.1:" + server.port());
    }

    private void start() {
        start(List.of(), List.of(), List.of());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void wellFormedBodiesAreRead() {
        start();
        Http.Response r = http.post("/api/jobs/echo", "{\"name\":\"a\",\"count\":2,\"extra\":true,\"items\":[{\"url\":\"u\",\"port\":1}]}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("items").get(0).get("port").asInt()).isEqualTo(1);
    }

    @Test
    void malformedJsonIs400InTheExecutorShape() {
        start();
        Http.Response r = http.post("/api/jobs/echo", "{\"name\": ");
        assertThat(r.status()).isEqualTo(400);
        JsonNode body = r.json();
        assertThat(body.get("statusCode").asInt()).isEqualTo(400);
        assertThat(body.get("error").asText()).startsWith("malformed JSON");
        assertThat(body.size()).isEqualTo(2);
    }

    @Test
    void wrongTypesNameTheField() {
        start();
        Http.Response r = http.post("/api/jobs/echo", "{\"count\":\"three\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).contains("count").contains("whole number");

        assertThat(http.post("/api/jobs/echo", "{\"count\":2.5}").json().get("error").asText()).contains("count");
        assertThat(http.post("/api/jobs/echo", "{\"name\":7}").json().get("error").asText()).contains("name");
        assertThat(http.post("/api/jobs/echo", "{\"flag\":\"yes\"}").json().get("error").asText()).contains("flag");

        Http.Response nested = http.post("/api/v1/registration/echo", "{\"items\":[{\"port\":\"x\"}]}");
        assertThat(nested.status()).isEqualTo(400);
        assertThat(nested.json().get("message").asText()).contains("items[0].port");
    }

    @Test
    void nonObjectAndEmptyBodiesAreRefused() {
        start();
        assertThat(http.post("/api/jobs/echo", "").json().get("error").asText()).contains("JSON object body is required");
        assertThat(http.post("/api/jobs/echo", "[1,2]").json().get("error").asText()).contains("must be a JSON object");
        assertThat(http.post("/api/jobs/echo", "{\"a\":1,\"a\":2}").status()).isEqualTo(400);
        assertThat(http.post("/api/jobs/echo", "{} trailing").status()).isEqualTo(400);
    }

    @Test
    void providerShapeCarriesEveryViolationTimestampAndRequestId() {
        start();
        Http.Response r = http.post("/api/v1/registration/rules", "{}", "X-Request-Id", "trace-123");
        assertThat(r.status()).isEqualTo(400);
        JsonNode body = r.json();
        assertThat(body.get("error").asText()).isEqualTo("Bad Request");
        assertThat(body.get("code").asInt()).isEqualTo(400);
        assertThat(body.get("request_id").asText()).isEqualTo("trace-123");
        assertThat(body.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(body.get("validation_errors")).hasSize(2);
        assertThat(body.get("validation_errors").get(1).get("field").asText()).isEqualTo("endpoints[0].url");
        assertThat(body.get("validation_errors").get(1).get("code").asText()).isEqualTo("INVALID_URL");
    }

    @Test
    void fleetShapeUsesTheSpecTitles() {
        start();
        Http.Response r = http.post("/api/v1/workers", "{}");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().get("error").asText()).isEqualTo("Worker already exists");
        assertThat(r.json().get("message").asText()).isEqualTo("A worker with this IP is already registered");
    }

    @Test
    void unexpectedErrorsAre500WithoutDetailInTheGatewayShape() {
        start();
        Http.Response r = http.get("/api/v1/workers/w1/boom");
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.json().get("success").asBoolean()).isFalse();
        assertThat(r.json().get("code").asText()).isEqualTo("INTERNAL_ERROR");
        assertThat(r.body()).doesNotContain("secret internal detail", "IllegalStateException", "at dev.");
        assertThat(r.json().get("error").asText()).contains(r.header("X-Request-Id"));
    }

    @Test
    void unmatchedPathsAre404JsonInTheOwningContractsShape() {
        start();
        assertThat(http.get("/api/jobs/nowhere").json().get("statusCode").asInt()).isEqualTo(404);
        assertThat(http.get("/api/v1/webhooks/nowhere").json().get("code").asText()).isEqualTo("NOT_FOUND");
        Http.Response other = http.get("/no/such/path");
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.header("Content-Type")).startsWith("application/json");
        assertThat(other.json().get("error").asText()).isEqualTo("not_found");
        assertThat(http.get("/api/jobs/missing").json().get("error").asText()).isEqualTo("Job not found");
    }

    @Test
    void aWrongMethodOnAKnownPathIs405WithAllow() {
        start();
        Http.Response r = http.method("DELETE", "/api/jobs/echo", null);
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("Allow")).isEqualTo("POST");
        assertThat(r.json().get("statusCode").asInt()).isEqualTo(405);
        assertThat(r.json().get("error").asText()).contains("DELETE", "POST");
    }

    @Test
    void requestIdIsKeptWhenSaneAndReplacedOtherwise() {
        start();
        assertThat(http.get("/admin/thread", "X-Request-Id", "abc-123").header("X-Request-Id")).isEqualTo("abc-123");
        String replaced = http.get("/admin/thread", "X-Request-Id", "bad id with spaces<script>").header("X-Request-Id");
        assertThat(replaced).matches("[0-9a-f-]{36}");
        assertThat(http.get("/admin/thread").header("X-Request-Id")).matches("[0-9a-f-]{36}");
    }

    @Test
    void securityHeadersOnEveryResponse() {
        start();
        for (Http.Response r : List.of(http.get("/admin/thread"), http.get("/nowhere"), http.post("/api/jobs/echo", "{"))) {
            assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
            assertThat(r.header("Content-Security-Policy")).contains("default-src 'none'");
            assertThat(r.header("Strict-Transport-Security")).isNull();
        }
        assertThat(http.get("/admin/page").header("Content-Security-Policy")).contains("default-src 'self'");
    }

    @Test
    void hstsOnlyWhenATrustedProxySaysHttps() {
        start(List.of(), List.of("127.0.0.0/8"), List.of());
        assertThat(http.get("/admin/thread", "X-Forwarded-Proto", "https").header("Strict-Transport-Security"))
                .startsWith("max-age=");
        assertThat(http.get("/admin/thread").header("Strict-Transport-Security")).isNull();
    }

    @Test
    void forwardedProtoFromAnUntrustedPeerIsIgnored() {
        start(List.of(), List.of("10.0.0.0/8"), List.of());
        assertThat(http.get("/admin/thread", "X-Forwarded-Proto", "https").header("Strict-Transport-Security")).isNull();
    }

    @Test
    void corsAllowsOnlyConfiguredOrigins() {
        start(List.of("https://console.example.com"), List.of(), List.of());
        Http.Response allowed = http.get("/admin/thread", "Origin", "https://console.example.com");
        assertThat(allowed.header("Access-Control-Allow-Origin")).isEqualTo("https://console.example.com");
        assertThat(allowed.header("Vary")).contains("Origin");
        assertThat(allowed.header("Access-Control-Allow-Credentials")).isNull();
        assertThat(http.get("/admin/thread", "Origin", "https://evil.example").header("Access-Control-Allow-Origin")).isNull();

        Http.Response preflight = http.send(http.request("/admin/thread",
                "Origin", "https://console.example.com", "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "authorization, content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.header("Access-Control-Allow-Methods")).contains("POST");
        assertThat(preflight.header("Access-Control-Allow-Headers")).contains("authorization");
    }

    @Test
    void noCorsHeadersByDefault() {
        start();
        assertThat(http.get("/admin/thread", "Origin", "https://console.example.com")
                .header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void oversizedBodiesAre413InTheContractsShape() {
        start();
        Http.Response r = http.post("/api/jobs/echo", "{\"name\":\"" + "x".repeat(70 * 1024) + "\"}");
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().get("statusCode").asInt()).isEqualTo(413);
    }

    @Test
    void metricsAreKeptPerRouteTemplate() {
        start();
        http.get("/api/v1/workers/w-1/boom");
        http.get("/api/v1/workers/w-2/boom");
        http.get("/random/garbage/1");
        String scrape = registry.scrape();
        assertThat(scrape).contains("route=\"/api/v1/workers/{id}/boom\"");
        assertThat(scrape).contains("route=\"unmatched\"");
        assertThat(scrape).doesNotContain("w-1", "garbage");
        assertThat(scrape).contains("http_server_requests_seconds_bucket");
    }

    @Test
    void handlersRunOnVirtualThreadsFromJava21AndOnABoundedPoolBefore() {
        start();
        String thread = http.get("/admin/thread").body();
        if (Runtime.version().feature() >= 21) {
            assertThat(thread).startsWith("VirtualThread");
        } else {
            assertThat(thread).contains("vectis-http");
        }
    }

    @Test
    void extraPortsServeTheSameRoutes() throws Exception {
        int extra;
        try (ServerSocket s = new ServerSocket(0)) {
            extra = s.getLocalPort();
        }
        start(List.of(), List.of(), List.of(extra));
        Http other = new Http("http://127.0.0.1:" + extra);
        assertThat(other.get("/api/jobs/missing").status()).isEqualTo(404);
        assertThat(other.get("/admin/thread").status()).isEqualTo(200);
    }

    @Test
    void stopLetsInFlightRequestsFinishAndRefusesNewOnes() throws Exception {
        start();
        CompletableFuture<Http.Response> slow = CompletableFuture.supplyAsync(() -> http.get("/admin/slow"));
        assertThat(slowStarted.await(5, TimeUnit.SECONDS)).isTrue();
        server.stop();
        Http.Response finished = slow.get(10, TimeUnit.SECONDS);
        assertThat(finished.status()).isEqualTo(200);
        assertThat(finished.body()).isEqualTo("finished");
        assertThatThrownBy(() -> http.get("/admin/thread")).isInstanceOf(java.io.UncheckedIOException.class);
        server = null;
    }

    @Test
    void headersAreReadExactlyOnAKeptAliveConnection() {
        start();
        try (RawHttp c = new RawHttp(server.port(), 5000)) {
            String first = "Bearer token-abcdefghijklmnop";
            String second = first.toUpperCase(java.util.Locale.ROOT);
            c.send("GET /admin/authorization HTTP/1.1\r\nHost: x\r\nAuthorization: " + first + "\r\n\r\n");
            assertThat(c.read().body()).isEqualTo(first);
            c.send("GET /admin/authorization HTTP/1.1\r\nHost: x\r\nAuthorization: " + second + "\r\n\r\n");
            assertThat(c.read().body()).as("a cached header must not stand in for one that differs in case")
                    .isEqualTo(second);
        }
    }

    @Test
    void theServersOwnErrorPagesAreJsonWithSecurityHeaders() {
        start();
        String[] requests = {
            "NOT A REQUEST LINE\r\n\r\n",
            "GET /admin/" + "a".repeat(70_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /admin/thread HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(70_000) + "\r\n\r\n",
        };
        int[] expected = {400, 414, 431};
        for (int i = 0; i < requests.length; i++) {
            try (RawHttp c = new RawHttp(server.port(), 5000)) {
                RawHttp.Reply reply = c.send(requests[i]).read();
                assertThat(reply.status()).isEqualTo(expected[i]);
                assertThat(reply.header("Content-Type")).startsWith("application/json");
                assertThat(reply.header("X-Content-Type-Options")).isEqualTo("nosniff");
                assertThat(reply.header("Content-Security-Policy")).isEqualTo(SecurityHeaders.API_CSP);
                JsonNode body = Json.mapper().readTree(reply.body());
                assertThat(body.get("error").asText()).isNotBlank();
                assertThat(reply.body()).doesNotContain("<html", "jetty", "Jetty");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** Headers, then the first byte of a body that never comes: what a slow-body attack sends. */
    private static RawHttp slowBody(int port) {
        return new RawHttp(port, 10_000).send("POST /api/jobs/echo HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
    }

    private Http.Response quickly(String path) {
        return http.send(http.request(path).timeout(Duration.ofSeconds(5)).GET());
    }

    @Test
    void clientsDrippingTheirBodiesHoldNoThreads() {
        limits = new Settings.ClientLimits(1000, 1000, Duration.ofSeconds(30), Duration.ofSeconds(30), 256);
        start();
        List<RawHttp> attack = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 230; i++) {
                attack.add(slowBody(server.port()));
            }
            // Every attacking request has reached the server before anyone else asks.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> server.inFlight("127.0.0.1") == attack.size());
            for (int i = 0; i < 5; i++) {
                assertThat(quickly("/admin/thread").status()).isEqualTo(200);
            }
            Http.Response echo = http.send(http.request("/api/jobs/echo").timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"a\"}")));
            assertThat(echo.status()).isEqualTo(200);
            assertThat(echo.json().get("name").asText()).isEqualTo("a");
        } finally {
            attack.forEach(RawHttp::close);
        }
    }

    @Test
    void aBodyThatDoesNotArriveInTimeIs408AndTheConnectionCloses() {
        limits = new Settings.ClientLimits(1000, 1000, Duration.ofSeconds(30), Duration.ofSeconds(1), 256);
        start();
        try (RawHttp c = slowBody(server.port())) {
            RawHttp.Reply reply = c.read();
            assertThat(reply.status()).isEqualTo(408);
            assertThat(reply.json().get("statusCode").asInt()).as("the executor's shape").isEqualTo(408);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(c::closedByServer);
        }
    }

    @Test
    void connectionsPerAddressAreCappedAndMustSendARequestInTime() {
        limits = new Settings.ClientLimits(5, 1000, Duration.ofSeconds(2), Duration.ofSeconds(30), 256);
        start();
        List<RawHttp> open = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                open.add(new RawHttp(server.port(), 200));
            }
            RawHttp.Reply kept = open.get(0).send("GET /admin/thread HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertThat(kept.status()).isEqualTo(200);
            try (RawHttp sixth = new RawHttp(server.port(), 200)) {
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(sixth::closedByServer);
            }
            // The four that never sent a request are closed at the header deadline; the one that did stays.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> open.subList(1, 5).stream().allMatch(RawHttp::closedByServer));
            assertThat(open.get(0).send("GET /admin/thread HTTP/1.1\r\nHost: x\r\n\r\n").read().status())
                    .isEqualTo(200);
        } finally {
            open.forEach(RawHttp::close);
        }
    }

    @Test
    void aBodyCutShortIsTheClientsErrorNotTheServers() {
        start();
        try (RawHttp c = new RawHttp(server.port(), 5000)) {
            RawHttp.Reply reply = c.send("POST /api/jobs/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"name\":").stopSending().read();
            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.json().get("statusCode").asInt()).as("the executor's shape").isEqualTo(400);
        }
    }

    @Test
    void closedConnectionsNoLongerCountAgainstTheCap() {
        limits = new Settings.ClientLimits(3, 1000, Duration.ofSeconds(30), Duration.ofSeconds(30), 256);
        start();
        for (int i = 0; i < 10; i++) {
            try (RawHttp c = new RawHttp(server.port(), 5000)) {
                RawHttp.Reply reply = c.send("GET /admin/thread HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                        .read();
                assertThat(reply.status()).as("connection %d, after %d closed ones", i + 1, i).isEqualTo(200);
            }
        }
    }

    @Test
    void requestsInFlightPerAddressAreCapped() throws Exception {
        limits = new Settings.ClientLimits(1000, 2, Duration.ofSeconds(30), Duration.ofSeconds(30), 256);
        start();
        List<CompletableFuture<Http.Response>> holding = List.of(
                CompletableFuture.supplyAsync(() -> http.get("/admin/hold")),
                CompletableFuture.supplyAsync(() -> http.get("/admin/hold")));
        assertThat(held.tryAcquire(2, 10, TimeUnit.SECONDS)).isTrue();
        Http.Response refused = quickly("/api/jobs/missing");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(refused.json().get("statusCode").asInt()).as("the executor's shape").isEqualTo(429);
        holdRelease.countDown();
        for (CompletableFuture<Http.Response> f : holding) {
            assertThat(f.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
        assertThat(quickly("/api/jobs/missing").status()).isEqualTo(404);
    }

    @Test
    void textPostgresqlCannotStoreIs400NamingTheField() {
        start();
        Http.Response nul = http.post("/api/jobs/echo", "{\"name\":\"a\\u0000b\"}");
        assertThat(nul.status()).isEqualTo(400);
        assertThat(nul.json().get("error").asText()).contains("name");
        Http.Response nested = http.post("/api/v1/registration/echo",
                "{\"items\":[{\"url\":\"ok\"},{\"url\":\"\\ud800x\"}]}");
        assertThat(nested.status()).isEqualTo(400);
        assertThat(nested.json().get("message").asText()).contains("items[1].url");
        Http.Response key = http.post("/api/jobs/echo", "{\"na\\u0000me\":\"a\"}");
        assertThat(key.status()).isEqualTo(400);
        Http.Response query = http.get("/api/jobs/missing?cursor=%00");
        assertThat(query.status()).isEqualTo(400);
        assertThat(query.json().get("error").asText()).contains("cursor");
        assertThat(http.post("/api/jobs/echo", "{\"name\":\"caf\u00e9 \\ud83d\\ude00\"}").status())
                .as("accents and paired surrogates are fine").isEqualTo(200);
    }
}
