package dev.vectis.agent;

import dev.vectis.auth.HmacSignature;
import java.net.URI;
import java.net.http.HttpRequest;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * This worker's identity and secret: signs its calls to the server and checks the server's
 * calls to its VM API, both with {@link HmacSignature}. Holds the secret; never prints it.
 */
final class WorkerKey {

    private final String workerId;
    private final byte[] key;
    private final Clock clock;

    WorkerKey(String workerId, String secret, Clock clock) {
        this.workerId = workerId;
        this.key = HmacSignature.key(secret);
        this.clock = clock;
    }

    /** Adds the three signature headers for a request to {@code uri} with exactly {@code body}. */
    HttpRequest.Builder sign(HttpRequest.Builder request, String method, URI uri, byte[] body) {
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        return request.header(HmacSignature.WORKER_HEADER, workerId)
                .header(HmacSignature.TIMESTAMP_HEADER, timestamp)
                .header(HmacSignature.SIGNATURE_HEADER,
                        HmacSignature.sign(key, method, pathAndQuery(uri), timestamp, body));
    }

    /** True for a request signed with this worker's secret, naming this worker, within the allowed skew. */
    boolean verify(String worker, String method, String pathAndQuery, String timestamp, byte[] body, String signature) {
        boolean mine = worker != null && MessageDigest.isEqual(worker.getBytes(StandardCharsets.UTF_8),
                workerId.getBytes(StandardCharsets.UTF_8));
        return mine && HmacSignature.verify(key, method, pathAndQuery, timestamp, body, signature, clock.instant());
    }

    /** The request line's target: raw (still percent-encoded) path plus query. */
    static String pathAndQuery(URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    @Override
    public String toString() {
        return "WorkerKey[" + workerId + "]";
    }
}
