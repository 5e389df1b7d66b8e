package dev.vectis.fuzz;

import static dev.vectis.fuzz.Fixtures.CHAT_SESSION;
import static dev.vectis.fuzz.Fixtures.EXEC_WORKER;
import static dev.vectis.fuzz.Fixtures.GATEWAY_WORKER;
import static dev.vectis.fuzz.Fixtures.GATEWAY_WORKER_TO_DROP;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vectis.fuzz.FuzzRoute.Auth;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A valid request for every route of every contract. {@code FuzzTest} fails when the server
 * registers a route that is missing here, so a new endpoint is fuzzed from its first day.
 */
final class FuzzTable {

    private static final String BASE = "/api/v1/registration";
    private static final AtomicInteger KEYS = new AtomicInteger();

    private FuzzTable() {
    }

    static List<FuzzRoute> routes() {
        List<FuzzRoute> r = new ArrayList<>();
        health(r);
        fleet(r);
        gateway(r);
        executor(r);
        provider(r);
        marketplaceAdmin(r);
        marketplaceUser(r);
        access(r);
        fleetView(r);
        console(r);
        return r;
    }

    private static void health(List<FuzzRoute> r) {
        r.add(get("/livez"));
        r.add(get("/health"));
        r.add(get("/metrics"));
    }

    private static void fleet(List<FuzzRoute> r) {
        r.add(post("/api/v1/workers").as(Auth.WORKER).json(f -> obj("ip", "10.1.2.3", "secret", "s".repeat(40),
                "hostname", "fuzz-node")));
        r.add(get("/install.sh"));
        r.add(get("/downloads/vectis.jar"));
        r.add(get("/api/v1/fleet/workers/{workerId}/labels").as(Auth.ADMIN).param("workerId", f -> EXEC_WORKER));
        r.add(new FuzzRoute("PUT", "/api/v1/fleet/workers/{workerId}/labels").as(Auth.ADMIN)
                .param("workerId", f -> EXEC_WORKER).json(f -> obj("os", "linux", "gpu", "true")));
    }

    private static void gateway(List<FuzzRoute> r) {
        // The enrolled (signing) worker is an executor worker: as a chat worker it is refused, deep in the registry.
        for (Auth auth : List.of(Auth.WORKER, Auth.SIGNED)) {
            r.add(post("/api/v1/workers/register").as(auth).json(f -> obj("workerId", gatewayId(f, auth),
                    "endpoint", Fixtures.endpoint(gatewayId(f, auth)), "maxSessions", 50, "description", "fuzz", "status", "ONLINE",
                    "version", "1.0.0", "environment", "PRODUCTION", "timestamp", "2030-01-01T00:00:00.000Z")));
            r.add(new FuzzRoute("PUT", "/api/v1/workers/{workerId}/heartbeat").as(auth)
                    .param("workerId", f -> gatewayId(f, auth)).json(f -> heartbeat()));
        }
        r.add(post("/api/v1/workers/{workerId}/events").as(Auth.WORKER).param("workerId", f -> GATEWAY_WORKER)
                .json(f -> obj("event", "session_status_changed", "sessionId", CHAT_SESSION, "workerId", GATEWAY_WORKER,
                        "data", obj("status", "connected", "phoneNumber", "+6281234567890", "qrCode", "data:x"),
                        "timestamp", "2030-01-01T00:00:00.000Z")));
        r.add(post("/api/v1/webhooks/session-status").as(Auth.WORKER).json(f -> obj("event", "qr_ready",
                "sessionId", CHAT_SESSION, "workerId", GATEWAY_WORKER, "data", obj("status", "qr_required",
                        "qrCode", "data:image/png;base64,iVBORw0KGgo", "qrString", "1@ABC"),
                "timestamp", "2030-01-01T00:00:00.000Z")));
        r.add(post("/api/v1/webhooks/message-status").as(Auth.WORKER).json(f -> obj("event", "message_status",
                "sessionId", CHAT_SESSION, "workerId", GATEWAY_WORKER, "data", obj("messageId", "msg_1",
                        "status", "delivered", "to", "6281234567890@s.whatsapp.net",
                        "deliveredAt", "2030-01-01T00:00:00.000Z"), "timestamp", "2030-01-01T00:00:00.000Z")));
        r.add(new FuzzRoute("DELETE", "/api/v1/workers/{workerId}").as(Auth.WORKER)
                .param("workerId", f -> f.registerGateway(GATEWAY_WORKER_TO_DROP)));
        r.add(get("/api/v1/workers").as(Auth.ADMIN).optional("limit", "cursor"));
        r.add(get("/api/v1/workers/{workerId}").as(Auth.ADMIN).param("workerId", f -> GATEWAY_WORKER));
        r.add(get("/api/v1/workers/{workerId}/metrics").as(Auth.ADMIN).param("workerId", f -> GATEWAY_WORKER)
                .optional("since", "limit"));
        r.add(get("/api/v1/workers/{workerId}/events").as(Auth.ADMIN).param("workerId", f -> GATEWAY_WORKER)
                .optional("limit", "cursor"));
        r.add(get("/api/v1/sessions").as(Auth.ADMIN).optional("workerId", "status", "cursor", "limit"));
        r.add(get("/api/v1/sessions/{sessionId}").as(Auth.ADMIN).param("sessionId", f -> CHAT_SESSION));
        r.add(get("/api/v1/events").as(Auth.ADMIN).optional("type", "workerId", "sessionId", "cursor", "limit"));
        r.add(get("/api/v1/events/stream").as(Auth.ADMIN).stream().optional("lastEventId", "ticket"));
        r.add(post("/admin/workers/{workerId}/commands").as(Auth.ADMIN).param("workerId", f -> GATEWAY_WORKER)
                .json(f -> obj("type", "restart", "payload", obj("reason", "fuzz"))));
    }

    private static String gatewayId(Fixtures f, Auth auth) {
        return auth == Auth.SIGNED ? f.signedWorker : GATEWAY_WORKER;
    }

    private static ObjectNode heartbeat() {
        return obj("status", "ONLINE", "cpuUsage", 45.5, "memoryUsage", 67.8, "uptime", 3600, "messageCount", 1250,
                "sessions", obj("total", 25, "connected", 20, "disconnected", 2, "qr_required", 2, "reconnecting", 1,
                        "error", 0), "timestamp", "2030-01-01T00:00:00.000Z");
    }

    private static void executor(List<FuzzRoute> r) {
        for (Auth auth : List.of(Auth.WORKER, Auth.SIGNED)) {
            r.add(post("/api/workers/register").as(auth).json(f -> obj("workerId", execId(f, auth),
                    "hostname", "fuzz-host", "os", "linux", "cpuCount", 4, "version", "1.0.0", "maxJobs", 1,
                    "labels", obj("os", "linux"))));
            r.add(post("/api/workers/heartbeat").as(auth).json(f -> obj("workerId", execId(f, auth))));
        }
        r.add(get("/api/workers/register").as(Auth.ADMIN).optional("limit", "cursor"));
        r.add(post("/api/jobs/create").as(Auth.ADMIN).json(f -> obj("command", "echo fuzz", "fileUrl",
                "https://example.com/bundle.zip", "filename", "bundle.zip", "maxAttempts", 3, "timeoutSeconds", 60,
                "labels", obj("fuzz", "yes"))));
        r.add(get("/api/jobs/create").as(Auth.ADMIN).optional("limit", "cursor", "status", "workerId", "order"));
        r.add(post("/api/jobs/rerun").as(Auth.ADMIN).json(f -> obj("jobId", f.job)));
        r.add(get("/api/jobs/get-job").as(Auth.WORKER).query("workerId", f -> EXEC_WORKER).optional("wait")
                .header("X-Worker-Id", f -> EXEC_WORKER));
        r.add(get("/api/jobs/get-job").as(Auth.SIGNED).optional("wait", "workerId"));
        r.add(get("/api/jobs/status").as(Auth.ADMIN).query("jobId", f -> f.job));
        r.add(post("/api/jobs/submit-result").as(Auth.WORKER).json(f -> obj("jobId", f.job, "workerId", EXEC_WORKER,
                "stdout", "out", "stderr", "", "exitCode", 0, "attempt", 1)));
        r.add(new FuzzRoute("PUT", "/api/jobs/submit-result").as(Auth.WORKER).json(f -> obj("jobId", f.job,
                "workerId", EXEC_WORKER, "errorMessage", "it broke", "attempt", 1)));
        r.add(post("/api/jobs/stream-output").as(Auth.WORKER).json(f -> obj("jobId", f.job, "workerId", EXEC_WORKER,
                "data", "line\n", "type", "stdout", "attempt", 1)));
        r.add(post("/api/jobs/cancel").as(Auth.ADMIN).json(f -> obj("jobId", f.newJob())));
        r.add(get("/api/jobs/check-cancel").as(Auth.WORKER).query("jobId", f -> f.job)
                .query("workerId", f -> EXEC_WORKER));
        r.add(get("/api/jobs/{jobId}/events").as(Auth.ADMIN).param("jobId", f -> f.job).stream()
                .optional("lastEventId"));
        r.add(post("/api/execute").as(Auth.ADMIN).form());
        r.add(get("/uploads/{name}").as(Auth.WORKER).param("name", f -> f.bundle));
        // Last: a worker that left gets no job, which the routes above rely on.
        for (Auth auth : List.of(Auth.WORKER, Auth.SIGNED)) {
            r.add(post("/api/workers/leave").as(auth).json(f -> obj("workerId", execId(f, auth), "stillRunning",
                    List.of(f.job))));
        }
    }

    private static String execId(Fixtures f, Auth auth) {
        return auth == Auth.SIGNED ? f.signedWorker : EXEC_WORKER;
    }

    private static void provider(List<FuzzRoute> r) {
        r.add(post(BASE + "/register").json(f -> Fixtures.providerBody("fuzz-" + KEYS.incrementAndGet()
                + "@example.com")));
        r.add(post(BASE + "/auth").json(f -> obj("provider_id", f.provider, "api_key", f.providerKey)));
        r.add(get(BASE + "/profile").as(Auth.PROVIDER));
        r.add(new FuzzRoute("PATCH", BASE + "/profile").as(Auth.PROVIDER).json(f -> {
            ObjectNode body = Fixtures.providerBody("fuzz-provider@example.com");
            body.remove("public_key");
            body.remove("terms");
            body.remove("email");
            return body;
        }));
        r.add(post(BASE + "/refresh").as(Auth.PROVIDER));
        r.add(post(BASE + "/rotate-key").as(Auth.ROTATING_PROVIDER).after(Fixtures::rotated));
        r.add(get(BASE + "/health"));
        r.add(get("/admin/providers").as(Auth.ADMIN).optional("status", "limit", "cursor"));
        for (String action : List.of("approve", "reject", "suspend")) {
            r.add(post("/admin/providers/{id}/" + action).as(Auth.ADMIN).param("id", f -> f.providerToApprove)
                    .json(f -> obj("reason", "fuzz")));
        }
    }

    private static void fleetView(List<FuzzRoute> r) {
        r.add(get("/api/v1/fleet/workers").as(Auth.ADMIN).optional("limit", "cursor", "state", "contract", "label",
                "q", "sort", "order"));
        r.add(get("/api/v1/fleet/workers/{workerId}").as(Auth.ADMIN).param("workerId", f -> EXEC_WORKER));
        r.add(get("/api/v1/fleet/workers/{workerId}/events").as(Auth.ADMIN).param("workerId", f -> EXEC_WORKER)
                .optional("limit", "cursor"));
        for (String action : List.of("drain", "maintenance", "disable", "resume")) {
            r.add(post("/api/v1/fleet/workers/{workerId}/" + action).as(Auth.ADMIN)
                    .param("workerId", f -> f.marketWorkerToChange).json(f -> obj("reason", "fuzz")));
        }
    }

    private static void console(List<FuzzRoute> r) {
        r.add(get("/"));
        r.add(get("/console"));
        r.add(get("/console/<path>").param("path", f -> "app.js"));
        r.add(get("/api/v1/whoami").as(Auth.ADMIN));
        r.add(get("/api/v1/overview").as(Auth.ADMIN));
        r.add(post("/api/v1/stream-tickets").as(Auth.ADMIN).json(f -> obj("path", "/api/v1/events/stream")));
        r.add(get("/openapi.json"));
        r.add(get("/openapi/{document}").param("document", f -> "operator.json"));
        r.add(get("/docs"));
        r.add(get("/docs/{file}").param("file", f -> "swagger-initializer.js"));
    }

    private static void marketplaceAdmin(List<FuzzRoute> r) {
        r.add(post("/admin/users").as(Auth.ADMIN).json(f -> obj("email", "new-" + KEYS.incrementAndGet()
                + "@example.com", "name", "New", "password", "new-password-123", "coins", 10)));
        r.add(get("/admin/users").as(Auth.ADMIN).optional("cursor", "limit"));
        r.add(get("/admin/users/{userId}").as(Auth.ADMIN).param("userId", f -> f.userId));
        r.add(post("/admin/users/{userId}/tokens").as(Auth.ADMIN).param("userId", f -> f.victimId));
        r.add(new FuzzRoute("DELETE", "/admin/users/{userId}/tokens").as(Auth.ADMIN).param("userId", f -> f.victimId));
        r.add(new FuzzRoute("PATCH", "/admin/users/{userId}/coins").as(Auth.ADMIN).param("userId", f -> f.userId)
                .json(f -> obj("op", "add", "amount", 5, "reason", "fuzz")));
        r.add(get("/admin/users/{userId}/ledger").as(Auth.ADMIN).param("userId", f -> f.userId)
                .optional("cursor", "limit"));
        r.add(post("/admin/workers/register").as(Auth.ADMIN).json(f -> obj("name", "fuzz host",
                "base_url", "http://127.0.0.1:9", "max_sessions", 3)));
        r.add(get("/admin/workers").as(Auth.ADMIN));
        r.add(get("/admin/nodes").as(Auth.ADMIN));
        r.add(new FuzzRoute("PATCH", "/admin/workers/{workerId}").as(Auth.ADMIN)
                .param("workerId", f -> f.marketWorkerToChange)
                .json(f -> obj("name", "renamed", "base_url", "http://127.0.0.1:9", "max_sessions", 4,
                        "status", "active")));
        r.add(post("/admin/workers/{workerId}/disable").as(Auth.ADMIN).param("workerId", f -> f.marketWorkerToChange));
        r.add(post("/admin/vps-products").as(Auth.ADMIN).json(FuzzTable::product));
        r.add(get("/admin/vps-products").as(Auth.ADMIN));
        r.add(new FuzzRoute("PATCH", "/admin/vps-products/{productId}").as(Auth.ADMIN)
                .param("productId", f -> f.productToChange).json(FuzzTable::product));
        r.add(new FuzzRoute("DELETE", "/admin/vps-products/{productId}").as(Auth.ADMIN)
                .param("productId", f -> f.productToChange));
        r.add(get("/admin/vps-sessions").as(Auth.ADMIN).optional("status", "flagged", "cursor", "limit"));
        r.add(get("/admin/vps-sessions/{sessionId}").as(Auth.ADMIN).param("sessionId", f -> f.vpsSession));
        r.add(get("/admin/vps-sessions/{sessionId}/log").as(Auth.ADMIN).param("sessionId", f -> f.vpsSession));
        r.add(post("/admin/vps-sessions/{sessionId}/resolve").as(Auth.ADMIN).param("sessionId", f -> f.vpsSession)
                .json(f -> obj("action", "ready")));
    }

    private static void access(List<FuzzRoute> r) {
        r.add(post("/api/v1/tokens").as(Auth.ADMIN).json(f -> obj("name", "fuzz token", "role", "submitter",
                "expiresAt", "2999-01-01T00:00:00Z")));
        r.add(get("/api/v1/tokens").as(Auth.ADMIN).optional("cursor", "limit"));
        r.add(get("/api/v1/tokens/{tokenId}").as(Auth.ADMIN).param("tokenId", f -> f.token));
        r.add(new FuzzRoute("DELETE", "/api/v1/tokens/{tokenId}").as(Auth.ADMIN).param("tokenId", f -> f.newToken()));
        r.add(get("/api/v1/audit").as(Auth.ADMIN).optional("actor", "action", "target", "cursor", "limit"));
    }

    private static ObjectNode product(Fixtures f) {
        return obj("name", "Fuzz product", "description", "fuzzed", "price_coins", 1, "provision_action", 3,
                "is_active", true, "worker_ids", List.of(f.marketWorker), "ready_patterns", List.of("ready"),
                "failure_patterns", List.of("^fail"), "redact_patterns", List.of("token=(\\S+)"),
                "on_provision_timeout", "refund", "provision_timeout_seconds", 60);
    }

    private static void marketplaceUser(List<FuzzRoute> r) {
        r.add(post("/auth/login").json(f -> obj("email", "fuzz@example.com", "password", Fixtures.PASSWORD)));
        r.add(post("/auth/logout").as(Auth.VICTIM_USER));
        r.add(get("/me").as(Auth.USER));
        r.add(new FuzzRoute("DELETE", "/me/tokens").as(Auth.VICTIM_USER));
        r.add(get("/me/ledger").as(Auth.USER).optional("cursor", "limit"));
        r.add(get("/vps/products"));
        r.add(post("/vps/purchase-and-create").as(Auth.USER).header("Idempotency-Key",
                f -> "fuzz-" + KEYS.incrementAndGet()).json(f -> obj("product_id", f.product)));
        r.add(get("/vps/sessions").as(Auth.USER).optional("cursor", "limit"));
        r.add(get("/vps/sessions/{sessionId}").as(Auth.USER).param("sessionId", f -> f.vpsSession));
        r.add(get("/vps/sessions/{sessionId}/log").as(Auth.USER).param("sessionId", f -> f.vpsSession));
        r.add(new FuzzRoute("DELETE", "/vps/sessions/{sessionId}").as(Auth.USER)
                .param("sessionId", Fixtures::newVpsSession));
        r.add(get("/vps/sessions/{sessionId}/events").as(Auth.USER).param("sessionId", f -> f.vpsSession).stream()
                .optional("access_token"));
    }

    private static FuzzRoute get(String path) {
        return new FuzzRoute("GET", path);
    }

    private static FuzzRoute post(String path) {
        return new FuzzRoute("POST", path);
    }

    /** An object with its fields in the order given; values as Jackson would write them. */
    static ObjectNode obj(Object... kv) {
        ObjectNode node = Fixtures.MAPPER.createObjectNode();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            node.set((String) kv[i], Fixtures.MAPPER.valueToTree(kv[i + 1]));
        }
        return node;
    }
}
