package dev.vectis.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sits between Vectis and a worker's VM API on 127.0.0.1 and loses what a bad network or a
 * dying node loses: requests to {@code POST /vm-loso} can be dropped before the worker sees
 * them, or delivered and their answers dropped or held back. Everything else passes unchanged,
 * signature headers and {@code Idempotency-Key} included.
 */
public final class WorkerProxy implements AutoCloseable {

    /** What happens to a {@code POST /vm-loso}. */
    public enum Create { PASS, DROP_REQUEST, DROP_ANSWER }

    private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "content-length", "transfer-encoding",
            "expect", "upgrade", "keep-alive");

    /** Opened when the proxy closes: answers it is holding back are dropped then. */
    private final CountDownLatch closed = new CountDownLatch(1);
    private final HttpServer server;
    private final ExecutorService pool;
    private final String target;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    public volatile Create create = Create.PASS;
    /** How long an answer to {@code POST /vm-loso} is held before it is passed on. */
    public volatile Duration createAnswerDelay = Duration.ZERO;
    /** Requests to {@code POST /vm-loso} the worker received through this proxy. */
    public final AtomicInteger createsDelivered = new AtomicInteger();
    /** When each create whose answer is being held reached the worker (System.nanoTime()). */
    private final java.util.Map<Object, Long> held = new java.util.concurrent.ConcurrentHashMap<>();

    private WorkerProxy(HttpServer server, ExecutorService pool, String target) {
        this.server = server;
        this.pool = pool;
        this.target = target;
    }

    public static WorkerProxy to(String target) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
            ExecutorService pool = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "worker-proxy");
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(pool);
            WorkerProxy proxy = new WorkerProxy(server, pool, target);
            server.createContext("/", proxy::handle);
            server.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            String path = ex.getRequestURI().getRawPath()
                    + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
            boolean isCreate = ex.getRequestMethod().equals("POST") && path.equals("/vm-loso");
            Create mode = isCreate ? create : Create.PASS;
            if (mode == Create.DROP_REQUEST) {
                return; // the connection closes without an answer and the worker never heard of it
            }
            HttpRequest.Builder out = HttpRequest.newBuilder(URI.create(target + path)).timeout(Duration.ofSeconds(30))
                    .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            ex.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(v -> out.header(name, v));
                }
            });
            HttpResponse<byte[]> answer;
            try {
                answer = client.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (isCreate) {
                createsDelivered.incrementAndGet();
            }
            if (mode == Create.DROP_ANSWER) {
                return;
            }
            if (isCreate && !createAnswerDelay.isZero()) {
                Object me = new Object();
                held.put(me, System.nanoTime());
                try {
                    if (closed.await(createAnswerDelay.toMillis(), TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } finally {
                    held.remove(me);
                }
            }
            answer.headers().firstValue("Content-Type").ifPresent(v -> ex.getResponseHeaders().set("Content-Type", v));
            try (OutputStream o = ex.getResponseBody()) {
                ex.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
                o.write(answer.body());
            } catch (IOException e) {
                // the caller gave up
            }
        }
    }

    /** Creates the worker has carried out whose answers are being held at least {@code age}. */
    public long heldAtLeast(Duration age) {
        long now = System.nanoTime();
        return held.values().stream().filter(t -> now - t >= age.toNanos()).count();
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        pool.shutdownNow();
    }
}
