package dev.vectis.testing;

import static org.awaitility.Awaitility.await;

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

/**
 * A response read line by line as it arrives, on a thread of its own, for tests of answers
 * that last (event streams, streamed runs): the test waits for the lines it expects, and for
 * the end.
 */
public final class Lines {

    private final int status;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private volatile boolean ended;

    private Lines(HttpResponse<InputStream> response) {
        this.status = response.statusCode();
        Thread t = new Thread(() -> read(response.body()), "test-lines");
        t.setDaemon(true);
        t.start();
    }

    /** Sends the request; returns once the status and headers have arrived. */
    public static Lines open(HttpRequest.Builder request) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        try {
            return new Lines(client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static HttpRequest.Builder get(String base, String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b;
    }

    public int status() {
        return status;
    }

    /** Every line so far. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    public boolean ended() {
        return ended;
    }

    /** Waits for a line that matches. */
    public void awaitLine(Predicate<String> wanted, Duration atMost) {
        await().atMost(atMost).until(() -> lines.stream().anyMatch(wanted));
    }

    /** Waits for the server to end the response. */
    public void awaitEnd(Duration atMost) {
        await().atMost(atMost).until(() -> ended);
    }

    private void read(InputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("!! " + e.getMessage());
        } finally {
            ended = true;
        }
    }
}
