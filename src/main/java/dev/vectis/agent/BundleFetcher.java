package dev.vectis.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Downloads a job's bundle. A relative {@code fileUrl} ({@code /uploads/…}) comes from the
 * Vectis server, signed like every other call; an absolute http(s) URL belongs to a third
 * party and gets a plain request: neither the signature nor any token may leak to it.
 * Either way the download stops at {@code maxBytes}.
 */
final class BundleFetcher {

    private static final int TRIES = 3;
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final ServerClient server;
    private final HttpClient thirdParty;
    private final long maxBytes;

    BundleFetcher(ServerClient server, HttpClient thirdParty, long maxBytes) {
        this.server = server;
        this.thirdParty = thirdParty;
        this.maxBytes = maxBytes;
    }

    void fetch(String fileUrl, Path target) throws JobFailedException, InterruptedException {
        HttpRequest request;
        HttpClient client;
        try {
            if (fileUrl.startsWith("/") && !fileUrl.startsWith("//")) {
                request = server.request("GET", fileUrl, null, TIMEOUT);
                client = server.http();
            } else {
                URI uri = URI.create(fileUrl);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                    throw new JobFailedException("bundle download failed: unsupported fileUrl " + fileUrl);
                }
                request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build();
                client = thirdParty;
            }
        } catch (IllegalArgumentException e) {
            throw new JobFailedException("bundle download failed: invalid fileUrl " + fileUrl);
        }
        for (int attempt = 1; ; attempt++) {
            try {
                Integer status = copy(client, request, target);
                if (status == null) {
                    return;
                }
                if (status < 500 || attempt >= TRIES) {
                    throw new JobFailedException("bundle download failed: HTTP " + status + " from " + fileUrl);
                }
            } catch (IOException e) {
                if (attempt >= TRIES) {
                    throw new JobFailedException("bundle download failed: " + e.getMessage());
                }
            }
            server.backoff().pause(attempt);
        }
    }

    /** Null when the body was saved; otherwise the refusing status. */
    private Integer copy(HttpClient client, HttpRequest request, Path target)
            throws IOException, InterruptedException, JobFailedException {
        HttpResponse<InputStream> r = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                return r.statusCode();
            }
            long total = 0;
            byte[] buffer = new byte[64 * 1024];
            try (OutputStream out = Files.newOutputStream(target)) {
                for (int n; (n = in.read(buffer)) != -1; ) {
                    total += n;
                    if (total > maxBytes) {
                        throw new JobFailedException("bundle download failed: larger than " + maxBytes + " bytes");
                    }
                    out.write(buffer, 0, n);
                }
            }
            return null;
        }
    }
}
