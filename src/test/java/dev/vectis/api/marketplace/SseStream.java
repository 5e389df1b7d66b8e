package dev.vectis.api.marketplace;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * A Server-Sent Events reader for tests: frames are parsed on a background thread as they
 * arrive; tests wait for the ones they expect. Streams of live sessions do not end, so it is
 * closed by the test.
 */
final class SseStream implements AutoCloseable {

    record Frame(Long id, String event, String data) {

        JsonNode json() {
            try {
                return Market.MAPPER.readTree(data);
            } catch (IOException e) {
                throw new AssertionError("frame data is not JSON: " + data, e);
            }
        }
    }

    private final int status;
    private final String errorBody;
    private final InputStream in;
    private final List<Frame> frames = new CopyOnWriteArrayList<>();
    private volatile boolean ended;

    private SseStream(int status, String errorBody, InputStream in) {
        this.status = status;
        this.errorBody = errorBody;
        this.in = in;
    }

    static SseStream open(String base, String path, String... headers) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Accept", "text/event-stream").GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                try (InputStream body = r.body()) {
                    return new SseStream(r.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8), null);
                }
            }
            SseStream s = new SseStream(200, null, r.body());
            Thread t = new Thread(s::read, "sse-reader");
            t.setDaemon(true);
            t.start();
            return s;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    int status() {
        return status;
    }

    String errorBody() {
        return errorBody;
    }

    List<Frame> frames() {
        return List.copyOf(frames);
    }

    boolean ended() {
        return ended;
    }

    /** Waits until some frame matches; returns the first that does. */
    Frame await(String what, Predicate<Frame> test, Duration timeout) {
        Awaitility.await(what + " (frames so far: " + describe() + ")").atMost(timeout)
                .pollInterval(Duration.ofMillis(50)).until(() -> frames.stream().anyMatch(test));
        return frames.stream().filter(test).findFirst().orElseThrow();
    }

    /** Waits until at least n frames arrived; returns them. */
    List<Frame> awaitCount(int n, Duration timeout) {
        Awaitility.await(n + " frames").atMost(timeout).pollInterval(Duration.ofMillis(50))
                .until(() -> frames.size() >= n);
        return frames();
    }

    String describe() {
        StringBuilder b = new StringBuilder();
        for (Frame f : frames) {
            b.append("\n  id=").append(f.id()).append(" ").append(f.event()).append(" ").append(f.data());
        }
        return b.toString();
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            Long id = null;
            String event = null;
            StringBuilder data = null;
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) {
                        frames.add(new Frame(id, event == null ? "message" : event, data.toString()));
                    }
                    id = null;
                    event = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    continue; // comment (keep-alive)
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1);
                    if (value.startsWith(" ")) {
                        value = value.substring(1);
                    }
                    switch (field) {
                        case "id" -> id = Long.parseLong(value.trim());
                        case "event" -> event = value;
                        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                        default -> {
                            // retry and unknown fields
                        }
                    }
                }
            }
        } catch (IOException e) {
            // closed by the test, or the server went away
        } finally {
            ended = true;
        }
    }

    @Override
    public void close() {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
