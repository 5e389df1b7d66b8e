package dev.vectis.api.marketplace;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker that speaks the marketplace's worker API (vps-marketplace.md, "Worker API") on
 * 127.0.0.1: {@code POST /vm-loso {"action": n}} → {@code {"logUrl": "/log/<route>"}},
 * {@code GET /log/<route>} → a plain-text log, {@code POST /stop/<route>} →
 * {@code {"success": true, ...}}. Tests configure how it misbehaves and read what it was asked.
 *
 * <p>By default its log is the Vectis agent's ("Status: ready"). {@link Style#WINDOWS} and
 * {@link Style#LINUX} behave like the real workers the issue describes: a free-form log written a
 * line at a time, starting with the worker's upstream session token, ending in "VM is ready!" or
 * "VM is running. Use the SSHx link …"; a stop of a VM it no longer has answers 400
 * {@code {"error":"No active token found for this route"}}, and a log of one answers 404.
 */
final class FakeVmWorker implements AutoCloseable {

    /** Whose log format and stop behaviour the worker copies. */
    enum Style { AGENT, WINDOWS, LINUX }

    /** One request the worker received. */
    record Call(String method, String path, String body, Map<String, String> headers) {

        /** A request header (first value), or null. */
        String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    private final HttpServer server;
    private final ExecutorService pool;
    private final String prefix;
    private final AtomicInteger counter = new AtomicInteger();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<String> routes = new CopyOnWriteArrayList<>();

    /** The status /vm-loso answers; anything but 200 is a failure. */
    volatile int createStatus = 200;
    /** How long /vm-loso takes before answering. */
    volatile Duration createDelay = Duration.ZERO;
    /** Whether /log/&lt;route&gt; reports the VM as ready. */
    volatile boolean ready = true;
    /** The status /log answers. */
    volatile int logStatus = 200;
    /** Whether /stop/&lt;route&gt; fails (500). */
    volatile boolean failStops;
    /** Answer 404 to stops, as a restarted agent that lost its VMs does. */
    volatile boolean forgetVms;
    /** When set, /vm-loso answers 302 to this location instead of creating a VM. */
    volatile String createRedirect;
    /** Extra bytes appended to every log, to exceed what the server accepts. */
    volatile int logPadding;
    volatile Style style = Style.AGENT;
    /** Real pace: a WINDOWS or LINUX log shows one more line each time this passes. */
    volatile Duration lineEvery = Duration.ofMillis(200);
    /** When set, a WINDOWS or LINUX VM fails: its log ends with this line instead of the ready one. */
    volatile String failWith;
    /** Lines a WINDOWS or LINUX log adds before its last one (e.g. a line that trips a pattern). */
    volatile List<String> extraLines = List.of();
    /** How many stops answer 500 before the worker manages one. */
    final AtomicInteger stopFailures = new AtomicInteger();
    /** When not 0, every stop answers this status (e.g. 429). */
    volatile int stopStatus;
    /**
     * When set, the worker answers every request with 200 and its headers, then one byte of body
     * each time this passes, for up to {@link #DRIP_FOR}: a worker that holds its callers.
     */
    volatile Duration drip;
    static final Duration DRIP_FOR = Duration.ofMinutes(2);
    /** Opened when the worker closes: whatever it is pacing out ends then. */
    private final CountDownLatch closed = new CountDownLatch(1);
    /** Dripping answers whose caller hung up before the end. */
    final AtomicInteger cutOff = new AtomicInteger();
    /** Every request answers 500. */
    volatile boolean failAll;
    /** The worker-internal secret a real worker writes on its log's first line. */
    final String upstreamToken = "upst-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
    private final Map<String, Long> createdAt = new java.util.concurrent.ConcurrentHashMap<>();
    /** Routes whose VM the worker no longer has (stopped, or lost). */
    private final java.util.Set<String> gone = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private FakeVmWorker(HttpServer server, ExecutorService pool, String prefix) {
        this.server = server;
        this.pool = pool;
        this.prefix = prefix;
    }

    static FakeVmWorker start() {
        return start("quack");
    }

    static FakeVmWorker start(String routePrefix) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
            ExecutorService pool = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "fake-vm-worker");
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(pool);
            FakeVmWorker fake = new FakeVmWorker(server, pool, routePrefix);
            server.createContext("/", fake::handle);
            server.start();
            return fake;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The base URL to register: http://127.0.0.1:port */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Every call but the rounds' listing of the worker's VMs, which comes whatever else happens. */
    List<Call> callsBesidesListing() {
        return calls.stream().filter(c -> !(c.method().equals("GET") && c.path().equals("/vms"))).toList();
    }

    List<Call> calls(String method, String pathPrefix) {
        return calls.stream().filter(c -> c.method().equals(method) && c.path().startsWith(pathPrefix)).toList();
    }

    /** Routes handed out by /vm-loso, in order. */
    List<String> routes() {
        return List.copyOf(routes);
    }

    /** Forgets a VM, as a real worker does when the VM died or its token expired. */
    void lose(String route) {
        gone.add(route);
    }

    /** The WINDOWS or LINUX log of a route as far as the worker has written it. */
    private String realLog(String route) {
        List<String> lines = new java.util.ArrayList<>();
        lines.add("Upstream session " + upstreamToken);
        if (style == Style.WINDOWS) {
            lines.add("Starting VM for action 2");
            lines.add("Created Windows 10");
            lines.add("IP: 203.0.113.7");
            lines.addAll(extraLines);
            if (failWith == null) {
                lines.add("RDP: Admin/P@ss-" + route);
            }
            lines.add(failWith != null ? failWith : "VM is ready!");
        } else {
            lines.add("Creating Ubuntu 22.04 VM");
            lines.add("Installing sshx");
            lines.addAll(extraLines);
            lines.add(failWith != null ? failWith : "VM is running. Use the SSHx link https://sshx.io/s/" + route
                    + "#k3y");
        }
        long elapsed = System.currentTimeMillis() - createdAt.getOrDefault(route, 0L);
        int shown = (int) Math.min(lines.size(), 1 + elapsed / Math.max(1, lineEvery.toMillis()));
        return String.join("\n", lines.subList(0, shown)) + "\n";
    }

    static String log(String route, boolean ready) {
        StringBuilder b = new StringBuilder();
        b.append("[").append(route).append("] Creating VM\n");
        b.append("[").append(route).append("] Booting image\n");
        if (ready) {
            b.append("RDP host: 203.0.113.77\nRDP port: 3389\nUsername: Administrator\nPassword: Passw0rd-").append(route)
                    .append("\nStatus: ready\n");
        } else {
            b.append("Status: booting\n");
        }
        return b.toString();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new java.util.HashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT),
                    v.isEmpty() ? "" : v.get(0)));
            calls.add(new Call(method, path, body, Map.copyOf(headers)));
            Duration dripping = drip;
            if (dripping != null) {
                drip(ex, dripping);
                return;
            }
            if (failAll) {
                send(ex, 500, "application/json", "{\"error\":\"everything is broken\"}");
                return;
            }
            if (method.equals("POST") && path.equals("/vm-loso")) {
                sleep(createDelay);
                if (createRedirect != null) {
                    ex.getResponseHeaders().set("Location", createRedirect);
                    send(ex, 302, "text/plain", "moved");
                    return;
                }
                if (createStatus != 200) {
                    send(ex, createStatus, "application/json", "{\"error\":\"boom\"}");
                    return;
                }
                String route = prefix + "_" + counter.incrementAndGet() + "x"
                        + Integer.toHexString(System.identityHashCode(this));
                createdAt.put(route, System.currentTimeMillis());
                routes.add(route);
                send(ex, 200, "application/json", "{\"logUrl\":\"/log/" + route + "\"}");
            } else if (method.equals("GET") && path.startsWith("/log/")) {
                String route = path.substring("/log/".length());
                if (!routes.contains(route) || gone.contains(route)) {
                    send(ex, 404, "text/plain", "no such route");
                } else if (logStatus != 200) {
                    send(ex, logStatus, "text/plain", "log unavailable");
                } else {
                    send(ex, 200, "text/plain; charset=utf-8", "x".repeat(logPadding)
                            + (style == Style.AGENT ? log(route, ready) : realLog(route)));
                }
            } else if (method.equals("POST") && path.startsWith("/stop/")) {
                String route = path.substring("/stop/".length());
                if (stopStatus != 0) {
                    send(ex, stopStatus, "application/json", "{\"error\":\"try later\"}");
                } else if (stopFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    send(ex, 500, "application/json", "{\"error\":\"upstream unavailable\"}");
                } else if (style != Style.AGENT && (!routes.contains(route) || !gone.add(route))) {
                    send(ex, 400, "application/json", "{\"error\":\"No active token found for this route\"}");
                } else if (forgetVms) {
                    send(ex, 404, "application/json", "{\"success\":false,\"message\":\"no such VM\"}");
                } else if (failStops) {
                    send(ex, 500, "application/json", "{\"success\":false,\"message\":\"cannot stop\"}");
                } else {
                    send(ex, 200, "application/json", "{\"success\":true,\"message\":\"Stopped " + route
                            + "\",\"tokenReset\":\"reset-" + route + "\"}");
                }
            } else {
                send(ex, 404, "text/plain", "not found");
            }
        }
    }

    private void drip(HttpExchange ex, Duration every) {
        long until = System.nanoTime() + DRIP_FOR.toNanos();
        try (OutputStream out = ex.getResponseBody()) {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, 0);
            out.flush();
            while (System.nanoTime() < until && !Thread.currentThread().isInterrupted()) {
                out.write('{');
                out.flush();
                if (closed.await(every.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (IOException e) {
            cutOff.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange ex, int status, String type, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        try (OutputStream out = ex.getResponseBody()) {
            ex.sendResponseHeaders(status, bytes.length);
            out.write(bytes);
        } catch (IOException e) {
            // the caller gave up (timeout): nothing to do
        }
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        pool.shutdownNow();
    }
}
