package dev.vectis.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vectis.config.BuildInfo;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** The server's HTTP API as the admin commands use it: every call authenticated, every failure a {@link CliFailure}. */
final class ApiClient {

    private static final Duration CONNECT = Duration.ofSeconds(10);
    private static final Duration ANSWER = Duration.ofSeconds(60);

    private final Target target;
    private final HttpClient http;

    ApiClient(Target target) {
        this.target = target;
        // No redirects: a redirected request would carry the token somewhere nobody chose.
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    String server() {
        return target.server();
    }

    Reply get(String path) {
        return send("GET", path, null, Map.of());
    }

    Reply post(String path, Object body) {
        return send("POST", path, body, Map.of());
    }

    Reply delete(String path) {
        return send("DELETE", path, null, Map.of());
    }

    /** A JSON call; {@code body} (a map or a Jackson node) is sent as JSON, null sends none. */
    Reply send(String method, String path, Object body, Map<String, String> headers) {
        HttpRequest.Builder b = request(path).timeout(ANSWER);
        headers.forEach(b::header);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method,
                    HttpRequest.BodyPublishers.ofByteArray(json(body)));
        }
        return checked(method, path, exchange(b));
    }

    Reply multipart(String path, Multipart form) {
        HttpRequest.Builder b = request(path).timeout(ANSWER)
                .header("Content-Type", form.contentType())
                .POST(form.body());
        return checked("POST", path, exchange(b));
    }

    /** An event stream: the open response, or the error it was answered with. */
    HttpResponse<InputStream> stream(String path, String lastEventId) {
        HttpRequest.Builder b = request(path).header("Accept", "text/event-stream").GET();
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> r = call(b, HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() >= 300) {
            String body;
            try (InputStream in = r.body()) {
                body = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            } catch (IOException e) {
                body = "";
            }
            checked("GET", path, new Reply(r.statusCode(), body, r.headers().firstValue("X-Request-Id").orElse(null)));
        }
        return r;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(target.server() + path))
                .header("Authorization", "Bearer " + target.token())
                .header("User-Agent", "vectis-admin/" + BuildInfo.version());
    }

    private Reply exchange(HttpRequest.Builder b) {
        HttpResponse<String> r = call(b, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Reply(r.statusCode(), r.body(), r.headers().firstValue("X-Request-Id").orElse(null));
    }

    private <T> HttpResponse<T> call(HttpRequest.Builder b, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(b.build(), handler);
        } catch (HttpConnectTimeoutException e) {
            throw CliFailure.unreachable("cannot reach " + target.server() + ": no connection within "
                    + CONNECT.toSeconds() + " s");
        } catch (HttpTimeoutException e) {
            throw CliFailure.unreachable("no answer from " + target.server() + " within " + ANSWER.toSeconds() + " s");
        } catch (ConnectException e) {
            throw CliFailure.unreachable("cannot reach " + target.server() + ": "
                    + (e.getMessage() == null ? "connection refused" : e.getMessage()));
        } catch (IOException e) {
            throw CliFailure.unreachable("lost the connection to " + target.server() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliFailure.unreachable("interrupted while talking to " + target.server());
        }
    }

    private static Reply checked(String method, String path, Reply reply) {
        if (reply.status() >= 300 && reply.status() < 400) {
            throw new CliFailure(CliFailure.API_ERROR, method + " " + path + ": the server redirects (HTTP "
                    + reply.status() + "); give --server the address it redirects to");
        }
        if (reply.status() >= 400) {
            throw CliFailure.of(reply.status(), method + " " + path + ": " + ErrorBodies.describe(reply));
        }
        return reply;
    }

    private static byte[] json(Object body) {
        try {
            return Reply.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One path segment, escaped: ids come from the user and must not change the path. */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String query(Map<String, ?> params) {
        StringBuilder q = new StringBuilder();
        params.forEach((name, value) -> {
            if (value == null) {
                return;
            }
            Iterable<?> values = value instanceof Iterable<?> many ? many : java.util.List.of(value);
            for (Object v : values) {
                q.append(q.length() == 0 ? '?' : '&').append(segment(name)).append('=').append(segment(v.toString()));
            }
        });
        return q.toString();
    }
}
