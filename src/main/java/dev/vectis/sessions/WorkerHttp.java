package dev.vectis.sessions;

import dev.vectis.auth.HmacSignature;
import dev.vectis.sessions.VmClient.VmCallFailed;
import dev.vectis.workers.WorkerSecrets;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP exchange with a worker's VM API, whole or not at all: the deadline covers
 * connecting, the headers and every byte of the body, so a worker that answers one byte at a
 * time is cut off at the deadline like one that never answers. Answers are capped, redirects
 * are not followed, requests are signed when the worker has a secret, and each worker's
 * breaker decides whether the call is made at all.
 */
final class WorkerHttp {

    static final int MAX_ANSWER = 1 << 20;
    private static final Duration MAX_CONNECT = Duration.ofSeconds(5);

    /** What the worker answered: any status, the body as text. */
    record Answer(int status, String text) {
    }

    private final WorkerSecrets secrets;
    private final Clock clock;
    private final Duration deadline;
    private final WorkerBreakers breakers;
    private final HttpClient client;

    WorkerHttp(WorkerSecrets secrets, Clock clock, Duration deadline, WorkerBreakers breakers) {
        this.secrets = secrets;
        this.clock = clock;
        this.deadline = deadline;
        this.breakers = breakers;
        this.client = HttpClient.newBuilder()
                .connectTimeout(deadline.compareTo(MAX_CONNECT) < 0 ? deadline : MAX_CONNECT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    Duration deadline() {
        return deadline;
    }

    Answer call(String workerId, String baseUrl, String method, String path, String body, Map<String, String> headers) {
        CircuitBreaker breaker = workerId == null ? null : breakers.of(workerId);
        if (breaker != null && !breaker.tryAcquirePermission()) {
            throw new VmCallFailed(breakers.refusal(workerId), 0, null, false);
        }
        long started = System.nanoTime();
        String failure = "no answer";
        try {
            Answer answer = exchange(request(workerId, baseUrl, method, path, body, headers), method, path);
            int s = answer.status();
            if (s >= 500 || s == 408 || s == 429) {
                failure = "answered " + s + " to " + method + " " + path;
            } else {
                failure = null;
            }
            return answer;
        } catch (VmCallFailed e) {
            failure = e.getMessage();
            throw e;
        } finally {
            if (breaker != null) {
                long took = System.nanoTime() - started;
                if (failure == null) {
                    breaker.onSuccess(took, TimeUnit.NANOSECONDS);
                } else {
                    breakers.failed(workerId, failure);
                    breaker.onError(took, TimeUnit.NANOSECONDS, new IOException(failure));
                }
            }
        }
    }

    private HttpRequest request(String workerId, String baseUrl, String method, String path, String body,
                                Map<String, String> headers) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        URI uri;
        try {
            uri = URI.create(baseUrl + path);
        } catch (IllegalArgumentException e) {
            throw new VmCallFailed("the worker's base_url cannot be called", 0, null, false);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(deadline)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        Optional<String> secret = workerId == null ? Optional.empty() : secrets.of(workerId);
        if (secret.isPresent()) {
            String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            String ts = Long.toString(clock.instant().getEpochSecond());
            request.header(HmacSignature.WORKER_HEADER, workerId)
                    .header(HmacSignature.TIMESTAMP_HEADER, ts)
                    .header(HmacSignature.SIGNATURE_HEADER, HmacSignature.sign(HmacSignature.key(secret.get()),
                            method, target, ts, bytes));
        }
        return request.build();
    }

    private Answer exchange(HttpRequest request, String method, String path) {
        CompletableFuture<HttpResponse<byte[]>> pending = client.sendAsync(request, info -> new CappedBody(MAX_ANSWER));
        try {
            HttpResponse<byte[]> r = pending.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
            return new Answer(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        } catch (TimeoutException e) {
            pending.cancel(true); // aborts the exchange and closes its connection
            throw new VmCallFailed("the worker did not finish answering " + method + " " + path + " within "
                    + TimeWords.of(deadline), 0, null, true);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CappedBody.TooLarge) {
                throw new VmCallFailed(cause.getMessage(), 0, null, true);
            }
            // Only a request that never reached the worker is known to have done nothing there.
            boolean unsent = neverSent(cause);
            throw new VmCallFailed("the worker could not be reached: " + (cause == null ? "error"
                    : cause.getClass().getSimpleName()), 0, null, !unsent);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new VmCallFailed("interrupted", 0, null, true);
        }
    }

    private static boolean neverSent(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectException || c instanceof HttpConnectTimeoutException
                    || c instanceof UnresolvedAddressException || c instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }
}
