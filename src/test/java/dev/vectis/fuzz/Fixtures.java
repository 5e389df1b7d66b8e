package dev.vectis.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vectis.auth.HmacSignature;
import dev.vectis.providers.TestKeys;
import dev.vectis.testing.TestApp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Everything the fuzz pass needs to get past authentication and lookups: accounts of every
 * kind, and a worker, job, product, session and provider of every contract. Credentials that
 * a fuzzed call may revoke are made fresh for each call.
 */
final class Fixtures {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String PASSWORD = "fuzz-password-0123";
    static final String EXEC_WORKER = "fuzz-exec-1";
    static final String GATEWAY_WORKER = "fuzz-gw-1";
    static final String GATEWAY_WORKER_TO_DROP = "fuzz-gw-2";
    static final String CHAT_SESSION = "fuzz-chat-1";

    final TestApp app;
    final Calls http;
    String userId;
    String userToken;
    String victimId;
    String marketWorker;
    String marketWorkerToChange;
    String product;
    String productToChange;
    String vpsSession;
    String job;
    String bundle;
    String signedWorker;
    String signedSecret;
    String provider;
    String providerKey;
    String providerToRotate;
    String providerToRotateKey;
    String providerToApprove;
    String token;
    byte[] zip;

    private Fixtures(TestApp app) {
        this.app = app;
        this.http = new Calls(new RawClient(app.app().port(), 30_000));
    }

    static Fixtures create(TestApp app) {
        Fixtures f = new Fixtures(app);
        f.accounts();
        f.marketplace();
        f.executor();
        f.gateway();
        f.providers();
        f.token = f.newToken();
        return f;
    }

    private void accounts() {
        JsonNode user = ok(http.post("/admin/users", json(Map.of("email", "fuzz@example.com", "name", "Fuzz",
                "password", PASSWORD, "coins", 1_000_000)), TestApp.admin()), 201);
        userId = user.get("id").asText();
        userToken = user.get("token").asText();
        victimId = ok(http.post("/admin/users", json(Map.of("email", "victim@example.com", "name", "Victim")),
                TestApp.admin()), 201).get("id").asText();
    }

    private void marketplace() {
        String deadUrl = "http://127.0.0.1:" + closedPort();
        marketWorker = ok(http.post("/admin/workers/register", json(Map.of("name", "fuzz vm host", "base_url",
                deadUrl, "max_sessions", 1000)), TestApp.admin()), 201).get("id").asText();
        marketWorkerToChange = ok(http.post("/admin/workers/register", json(Map.of("name", "fuzz other host",
                "base_url", deadUrl, "max_sessions", 3)), TestApp.admin()), 201).get("id").asText();
        product = newProduct("Fuzz VPS", marketWorker);
        productToChange = newProduct("Fuzz VPS to change", marketWorker);
        vpsSession = newVpsSession();
    }

    /** A session of its own for a call that deletes it. */
    String newVpsSession() {
        return ok(http.post("/vps/purchase-and-create", json(Map.of("product_id", product)),
                "Authorization", "Bearer " + userToken, "Idempotency-Key", "fuzz-" + System.nanoTime()), 201)
                .get("id").asText();
    }

    private String newProduct(String name, String worker) {
        return ok(http.post("/admin/vps-products", json(Map.of("name", name, "price_coins", 1, "provision_action", 3,
                "worker_ids", List.of(worker))), TestApp.admin()), 201).get("id").asText();
    }

    private void executor() {
        ok(http.post("/api/workers/register", json(Map.of("workerId", EXEC_WORKER, "hostname", "fuzz-host")),
                TestApp.worker()), 200);
        job = newJob();
        ok(http.get("/api/jobs/get-job?workerId=" + EXEC_WORKER, TestApp.worker()), 200);
        zip = zip();
        String uploaded = ok(http.client.send(new FuzzRequest("POST", "/api/execute", List.of(TestApp.admin(),
                new String[] {"Content-Type", "multipart/form-data; boundary=" + Multipart.BOUNDARY}),
                Multipart.encode(Multipart.execute(zip)), "set-up")), 200).get("jobId").asText();
        String fileUrl = app.app().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT file_url FROM jobs WHERE id = :id").bind("id", uploaded).mapTo(String.class).one());
        bundle = fileUrl.substring(fileUrl.lastIndexOf('/') + 1);
    }

    /** A named token of its own, for a call that revokes it. */
    String newToken() {
        return ok(http.post("/api/v1/tokens", json(Map.of("name", "fuzz", "role", "operator")), TestApp.admin()), 201)
                .get("data").get("id").asText();
    }

    String newJob() {
        return ok(http.post("/api/jobs/create", json(Map.of("command", "echo fuzz", "fileUrl",
                "https://example.com/bundle.zip", "filename", "bundle.zip")), TestApp.admin()), 200)
                .get("jobId").asText();
    }

    private void gateway() {
        registerGateway(GATEWAY_WORKER);
        ok(http.post("/api/v1/webhooks/session-status", json(Map.of("event", "qr_ready", "sessionId", CHAT_SESSION,
                "workerId", GATEWAY_WORKER, "data", Map.of("status", "qr_required", "qrCode", "data:x"))),
                TestApp.worker()), 200);
        signedSecret = "0123456789abcdef".repeat(4);
        signedWorker = ok(http.post("/api/v1/workers", json(Map.of("ip", "10.9.8.7", "secret", signedSecret)),
                TestApp.worker()), 201).get("id").asText();
        ok(postSigned(signedWorker, "/api/workers/register", json(Map.of("workerId", signedWorker,
                "hostname", "fuzz-signed"))), 200);
    }

    private RawClient.Answer postSigned(String worker, String path, String body) {
        List<String> headers = new ArrayList<>();
        for (String[] h : signed(worker, signedSecret, "POST", path, body.getBytes(StandardCharsets.UTF_8))) {
            headers.add(h[0]);
            headers.add(h[1]);
        }
        return http.post(path, body, headers.toArray(String[]::new));
    }

    /** (Re-)registers a chat worker and answers its id: for calls that unregister it. */
    String registerGateway(String id) {
        ok(http.post("/api/v1/workers/register", json(Map.of("workerId", id, "endpoint", endpoint(id))),
                TestApp.worker()), 200);
        return id;
    }

    /** Each chat worker has an address of its own. */
    static String endpoint(String workerId) {
        return "http://" + workerId + ".chat.example:8001";
    }

    private void providers() {
        String[] a = newProvider("fuzz-provider@example.com");
        provider = a[0];
        providerKey = a[1];
        ok(http.post("/admin/providers/" + provider + "/approve", "", TestApp.admin()), 200);
        String[] b = newProvider("fuzz-rotating@example.com");
        providerToRotate = b[0];
        providerToRotateKey = b[1];
        ok(http.post("/admin/providers/" + providerToRotate + "/approve", "", TestApp.admin()), 200);
        providerToApprove = newProvider("fuzz-pending@example.com")[0];
    }

    private String[] newProvider(String email) {
        JsonNode r = ok(http.post("/api/v1/registration/register", providerBody(email).toString()), 201);
        return new String[] {r.get("provider_id").asText(), r.get("api_key").asText()};
    }

    static ObjectNode providerBody(String email) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("name", "Fuzz Provider").put("email", email).put("organization", "Fuzz Inc");
        body.put("public_key", TestKeys.pkix(TestKeys.rsa(2048)));
        body.putArray("endpoints").addObject().put("type", "api").put("url", "https://api.fuzz.example")
                .put("protocol", "https").put("secure", true);
        body.putObject("metadata").put("region", "eu").putArray("formats").add("ONNX");
        body.put("terms", true);
        return body;
    }

    /** A provider token issued now: a fuzzed call before may have ended the last one. */
    String providerToken() {
        return providerToken(provider, providerKey);
    }

    String rotatingProviderToken() {
        return providerToken(providerToRotate, providerToRotateKey);
    }

    private String providerToken(String id, String key) {
        return ok(http.post("/api/v1/registration/auth", json(Map.of("provider_id", id, "api_key", key))), 200)
                .get("token").asText();
    }

    /** A rotation that succeeded replaced a key (of whichever provider sent it); later sign-ins use the new one. */
    void rotated(RawClient.Answer answer) {
        if (answer.status() != 200) {
            return;
        }
        try {
            JsonNode body = MAPPER.readTree(answer.body());
            String id = body.path("provider_id").asText();
            String key = body.path("api_key").asText();
            if (id.equals(provider)) {
                providerKey = key;
            } else if (id.equals(providerToRotate)) {
                providerToRotateKey = key;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A token of the user whose tokens fuzzed calls revoke. */
    String victimToken() {
        return ok(http.post("/admin/users/" + victimId + "/tokens", "", TestApp.admin()), 201).get("token").asText();
    }

    List<String[]> signed(String workerId, String secret, String method, String target, byte[] body) {
        String timestamp = Long.toString(System.currentTimeMillis() / 1000);
        List<String[]> h = new ArrayList<>();
        h.add(new String[] {HmacSignature.WORKER_HEADER, workerId});
        h.add(new String[] {HmacSignature.TIMESTAMP_HEADER, timestamp});
        h.add(new String[] {HmacSignature.SIGNATURE_HEADER,
                HmacSignature.sign(HmacSignature.key(secret), method, target, timestamp, body)});
        return h;
    }

    static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode ok(RawClient.Answer r, int status) {
        if (r.status() != status) {
            throw new AssertionError("fuzz set-up: expected " + status + " but got " + r);
        }
        try {
            return MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Set-up calls, each on a connection of its own: a pooled keep-alive connection may meet
     * its idle timeout between the fuzz pass's own requests.
     */
    record Calls(RawClient client) {

        RawClient.Answer post(String path, String body, String... headers) {
            List<String[]> h = new ArrayList<>();
            h.add(new String[] {"Content-Type", "application/json"});
            for (int i = 0; i + 1 < headers.length; i += 2) {
                h.add(new String[] {headers[i], headers[i + 1]});
            }
            return client.send(new FuzzRequest("POST", path, h, body.getBytes(StandardCharsets.UTF_8), "set-up"));
        }

        RawClient.Answer get(String path, String... headers) {
            List<String[]> h = new ArrayList<>();
            for (int i = 0; i + 1 < headers.length; i += 2) {
                h.add(new String[] {headers[i], headers[i + 1]});
            }
            return client.send(new FuzzRequest("GET", path, h, null, "set-up"));
        }
    }

    private static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] zip() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("run.sh"));
            z.write("echo fuzz\n".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
