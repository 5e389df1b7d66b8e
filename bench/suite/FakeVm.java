import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A VPS worker on 127.0.0.1 that answers at once (vps-marketplace.md, "Worker API"):
 * POST /vm-loso gives a route, its log says the VM is ready, stops succeed. It stands for "a
 * local worker", so purchases measure the server, not a slow machine behind it.
 */
final class FakeVm implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService pool;
    private final AtomicLong routes = new AtomicLong();
    final AtomicLong calls = new AtomicLong();

    private FakeVm(HttpServer server, ExecutorService pool) {
        this.server = server;
        this.pool = pool;
    }

    static FakeVm start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-vm");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        FakeVm fake = new FakeVm(server, pool);
        server.createContext("/", fake::handle);
        server.start();
        return fake;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            calls.incrementAndGet();
            ex.getRequestBody().readAllBytes();
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            if (method.equals("POST") && path.equals("/vm-loso")) {
                send(ex, 200, "application/json", "{\"logUrl\":\"/log/bench_" + routes.incrementAndGet() + "\"}");
            } else if (method.equals("GET") && path.startsWith("/log/")) {
                String route = path.substring("/log/".length());
                send(ex, 200, "text/plain; charset=utf-8", "[" + route + "] Creating VM\n[" + route + "] Booting image\n"
                        + "RDP host: 203.0.113.77\nRDP port: 3389\nUsername: Administrator\nPassword: Passw0rd-" + route
                        + "\nStatus: ready\n");
            } else if (method.equals("POST") && path.startsWith("/stop/")) {
                send(ex, 200, "application/json", "{\"success\":true,\"message\":\"Stopped\",\"tokenReset\":\"r\"}");
            } else {
                send(ex, 404, "text/plain", "not found");
            }
        }
    }

    private static void send(HttpExchange ex, int status, String type, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
