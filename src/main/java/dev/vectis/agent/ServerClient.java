package dev.vectis.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.vectis.config.BuildInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls to the Vectis server: JSON in and out, signed as this worker once it has enrolled,
 * retried with backoff where the caller asks (network errors, 5xx, 429: a 4xx is the
 * server's final word and is returned as is).
 */
final class ServerClient {

    private static final Logger LOG = LoggerFactory.getLogger(ServerClient.class);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** A response: status and body bytes. */
    record Response(int status, byte[] body) {

        boolean ok() {
            return status / 100 == 2;
        }

        boolean retryable() {
            return status >= 500 || status == 429;
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json(ObjectMapper mapper) {
            try {
                return body.length == 0 ? MissingNode.getInstance() : mapper.readTree(body);
            } catch (IOException e) {
                return MissingNode.getInstance();
            }
        }
    }

    private final String base;
    private final HttpClient http;
    private final ObjectMapper mapper;
    private final WorkerKey key;
    private final Backoff backoff;
    private final String userAgent = "vectis-agent/" + BuildInfo.version();

    ServerClient(URI server, HttpClient http, ObjectMapper mapper, WorkerKey key, Backoff backoff) {
        String s = server.toString();
        this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        this.http = http;
        this.mapper = mapper;
        this.key = key;
        this.backoff = backoff;
    }

    /** The same server, every call signed with {@code key}. */
    ServerClient signedBy(WorkerKey workerKey) {
        return new ServerClient(URI.create(base), http, mapper, workerKey, backoff);
    }

    ObjectMapper mapper() {
        return mapper;
    }

    Backoff backoff() {
        return backoff;
    }

    URI uri(String pathAndQuery) {
        return URI.create(base + pathAndQuery);
    }

    /** One call, no retry. {@code body} null sends none; headers are name, value pairs. */
    Response send(String method, String pathAndQuery, Object body, Duration timeout, String... headers)
            throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(request(method, pathAndQuery, body, timeout, headers),
                HttpResponse.BodyHandlers.ofByteArray());
        return new Response(r.statusCode(), r.body() == null ? new byte[0] : r.body());
    }

    /** Up to {@code tries} calls while the failure looks temporary; the last answer or error wins. */
    Response sendWithRetries(String method, String pathAndQuery, Object body, int tries, String... headers)
            throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                Response r = send(method, pathAndQuery, body, DEFAULT_TIMEOUT, headers);
                if (!r.retryable() || attempt >= tries) {
                    return r;
                }
                LOG.debug("{} {} answered {}; retrying", method, path(pathAndQuery), r.status());
            } catch (IOException e) {
                if (attempt >= tries) {
                    throw e;
                }
                LOG.debug("{} {} failed ({}); retrying", method, path(pathAndQuery), e.toString());
            }
            backoff.pause(attempt);
        }
    }

    /** A request for this server: JSON body, user agent, signature when enrolled. */
    HttpRequest request(String method, String pathAndQuery, Object body, Duration timeout, String... headers) {
        byte[] bytes = body == null ? new byte[0] : json(body);
        URI uri = uri(pathAndQuery);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", userAgent)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        if (key != null) {
            key.sign(b, method, uri, bytes);
        }
        return b.build();
    }

    HttpClient http() {
        return http;
    }

    private byte[] json(Object body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** For logs: the path without its query. */
    private static String path(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    }
}
