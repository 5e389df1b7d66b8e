package dev.vectis.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.auth.HmacSignature;
import dev.vectis.workers.WorkerSecrets;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Calls a worker's VM API (vps-marketplace.md, "Worker API"): create, log, stop. Only the
 * server makes these calls. Requests are signed when the worker has a secret; redirects are
 * not followed, answers are size-capped and every call has a short timeout, so a slow or
 * hostile worker cannot hold a request thread or memory.
 */
public final class VmClient {

    /** A call that did not produce a usable answer. */
    public static final class VmCallFailed extends RuntimeException {
        private final int status;
        private final String detail;

        public VmCallFailed(String message) {
            this(message, 0, null);
        }

        VmCallFailed(String message, int status, String detail) {
            super(message);
            this.status = status;
            this.detail = detail;
        }

        /** The worker's HTTP status, or 0 when it gave none (unreachable, timeout). */
        public int status() {
            return status;
        }

        /**
         * The worker's own explanation ("error" or "message" of a JSON answer), for operators
         * only: it is the worker's text, so it never goes into a user's view.
         */
        public String detail() {
            return detail;
        }
    }

    private static final int MAX_DETAIL = 200;

    private static final int MAX_ANSWER = 1 << 20;
    private static final Pattern ROUTE = Pattern.compile("^/log/([A-Za-z0-9_.-]{1,200})$");

    private final WorkerSecrets secrets;
    private final Clock clock;
    private final Duration timeout;
    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient client;

    public VmClient(WorkerSecrets secrets, Clock clock, Duration timeout) {
        this.secrets = secrets;
        this.clock = clock;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** POST /vm-loso {"action": n} → the route from {"logUrl": "/log/<route>"}. */
    public String create(String workerId, String baseUrl, int action) {
        String answer = call(workerId, baseUrl, "POST", "/vm-loso", "{\"action\":" + action + "}");
        try {
            JsonNode body = mapper.readTree(answer);
            String logUrl = body == null ? null : body.path("logUrl").asText(null);
            Matcher m = logUrl == null ? null : ROUTE.matcher(logUrl);
            if (m == null || !m.matches()) {
                throw new VmCallFailed("the worker answered without a usable logUrl");
            }
            return m.group(1);
        } catch (IOException e) {
            throw new VmCallFailed("the worker's answer is not JSON");
        }
    }

    public String log(String workerId, String baseUrl, String route) {
        return call(workerId, baseUrl, "GET", "/log/" + route, null);
    }

    public void stop(String workerId, String baseUrl, String route) {
        call(workerId, baseUrl, "POST", "/stop/" + route, "");
    }

    private String detail(String answer) {
        try {
            JsonNode body = mapper.readTree(answer);
            String text = body == null ? null : body.path("error").asText(body.path("message").asText(null));
            if (text == null || text.isBlank()) {
                return null;
            }
            return text.length() <= MAX_DETAIL ? text : text.substring(0, MAX_DETAIL) + "…";
        } catch (IOException e) {
            return null;
        }
    }

    private String call(String workerId, String baseUrl, String method, String path, String body) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        URI uri = URI.create(baseUrl + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        Optional<String> secret = workerId == null ? Optional.empty() : secrets.of(workerId);
        if (secret.isPresent()) {
            String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            String ts = Long.toString(clock.instant().getEpochSecond());
            request.header(HmacSignature.WORKER_HEADER, workerId)
                    .header(HmacSignature.TIMESTAMP_HEADER, ts)
                    .header(HmacSignature.SIGNATURE_HEADER, HmacSignature.sign(HmacSignature.key(secret.get()),
                            method, target, ts, bytes));
        }
        try {
            HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            String text;
            try (InputStream in = response.body()) {
                byte[] data = in.readNBytes(MAX_ANSWER + 1);
                if (data.length > MAX_ANSWER) {
                    throw new VmCallFailed("the worker's answer is larger than " + MAX_ANSWER + " bytes");
                }
                text = new String(data, StandardCharsets.UTF_8);
            }
            if (response.statusCode() / 100 != 2) {
                throw new VmCallFailed("the worker answered " + response.statusCode() + " to " + method + " " + path,
                        response.statusCode(), detail(text));
            }
            return text;
        } catch (IOException e) {
            throw new VmCallFailed("the worker could not be reached: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VmCallFailed("interrupted");
        }
    }
}
