package dev.vectis.install;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain HTTP/1.1 relay in front of a server that can lose answers: the request reaches the
 * server, and the connection is then closed without a reply, as when a network fails on the
 * way back. Enough HTTP for curl's requests (Content-Length bodies, one request per connection).
 */
final class LossyProxy implements AutoCloseable {

    private static final Set<String> HOP_HEADERS = Set.of("host", "content-length", "connection", "expect",
            "transfer-encoding", "upgrade");

    private final ServerSocket socket;
    private final String backend;
    private final HttpClient client = HttpClient.newHttpClient();
    private final AtomicInteger answersToLose = new AtomicInteger();
    private final String losePath;
    private final Thread thread;

    LossyProxy(String backend, String losePath) throws IOException {
        this.backend = backend;
        this.losePath = losePath;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.thread = new Thread(this::serve, "lossy-proxy");
        thread.setDaemon(true);
        thread.start();
    }

    String url() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    /** The next {@code n} answers to requests for the lossy path are lost after the server handled them. */
    void loseNext(int n) {
        answersToLose.set(n);
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket c = socket.accept()) {
                relay(c);
            } catch (IOException | InterruptedException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private void relay(Socket c) throws IOException, InterruptedException {
        InputStream in = c.getInputStream();
        String[] head = readHead(in).split("\r\n");
        String[] requestLine = head[0].split(" ");
        HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(backend + requestLine[1]));
        int length = 0;
        for (int i = 1; i < head.length; i++) {
            int colon = head[i].indexOf(':');
            String name = head[i].substring(0, colon).trim();
            String value = head[i].substring(colon + 1).trim();
            if (name.equalsIgnoreCase("content-length")) {
                length = Integer.parseInt(value);
            }
            if (!HOP_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                forward.header(name, value);
            }
        }
        byte[] body = in.readNBytes(length);
        forward.method(requestLine[0], body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<byte[]> r = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (requestLine[1].equals(losePath) && answersToLose.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return; // closed without a word: the answer is lost
        }
        OutputStream out = c.getOutputStream();
        out.write(("HTTP/1.1 " + r.statusCode() + " X\r\nContent-Type: "
                + r.headers().firstValue("Content-Type").orElse("application/octet-stream")
                + "\r\nContent-Length: " + r.body().length + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(r.body());
        out.flush();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        for (int b; matched < 4 && (b = in.read()) != -1; ) {
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        return text.substring(0, Math.max(0, text.length() - 4));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
