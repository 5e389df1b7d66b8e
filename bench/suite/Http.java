import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One kept-alive HTTP/1.1 connection to a loopback server, spoken by hand. The load client
 * shares two cores with the server it measures, so it must cost far less than the server per
 * request: no pool, no futures, one write and a buffered read per call.
 */
final class Http implements AutoCloseable {

    record Reply(int status, String body) {
    }

    private final String host;
    private final int port;
    private final int timeoutMillis;
    private volatile Socket socket;
    private InputStream in;
    private OutputStream out;
    private boolean used;

    Http(String host, int port, int timeoutMillis) {
        this.host = host;
        this.port = port;
        this.timeoutMillis = timeoutMillis;
    }

    /** The host and port of a base URL such as http://127.0.0.1:8080; only loopback is accepted. */
    static Http to(String baseUrl, int timeoutMillis) {
        java.net.URI uri = java.net.URI.create(baseUrl);
        if (!uri.getHost().equals("127.0.0.1") && !uri.getHost().equals("localhost")) {
            throw new IllegalArgumentException("the benchmark sends load to loopback only, not " + uri.getHost());
        }
        return new Http(uri.getHost(), uri.getPort(), timeoutMillis);
    }

    Reply get(String path, String bearer) throws IOException {
        try {
            return call("GET", path, bearer, null, null);
        } catch (IOException e) {
            if (!used) {
                throw e;
            }
            // A kept-alive connection the server closed while it idled: a GET may be sent again.
            close();
            return call("GET", path, bearer, null, null);
        }
    }

    Reply send(String method, String path, String bearer, String json) throws IOException {
        return call(method, path, bearer, json, null);
    }

    Reply send(String method, String path, String bearer, String json, String idempotencyKey) throws IOException {
        return call(method, path, bearer, json, idempotencyKey);
    }

    private Reply call(String method, String path, String bearer, String json, String key) throws IOException {
        if (socket == null) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            out = socket.getOutputStream();
            used = false;
        }
        byte[] body = json == null ? null : json.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append(':').append(port).append("\r\n");
        if (bearer != null) {
            head.append("Authorization: Bearer ").append(bearer).append("\r\n");
        }
        if (key != null) {
            head.append("Idempotency-Key: ").append(key).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = headBytes;
        if (body != null) {
            request = new byte[headBytes.length + body.length];
            System.arraycopy(headBytes, 0, request, 0, headBytes.length);
            System.arraycopy(body, 0, request, headBytes.length, body.length);
        }
        try {
            out.write(request);
            out.flush();
            Reply reply = read();
            used = true;
            return reply;
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? io : new IOException(e);
        }
    }

    private Reply read() throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new IOException("connection closed before an answer");
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        for (String h = line(); h != null && !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = h.substring(0, colon).trim();
            String value = h.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                chunked = value.equalsIgnoreCase("chunked");
            } else if (name.equalsIgnoreCase("Connection")) {
                close = value.equalsIgnoreCase("close");
            }
        }
        String body;
        if (chunked) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int size = chunkSize(); size > 0; size = chunkSize()) {
                all.write(in.readNBytes(size));
                line();
            }
            for (String trailer = line(); trailer != null && !trailer.isEmpty(); trailer = line()) {
                // trailers are not used
            }
            body = all.toString(StandardCharsets.UTF_8);
        } else if (length >= 0) {
            byte[] bytes = in.readNBytes((int) length);
            if (bytes.length < length) {
                throw new IOException("answer cut short");
            }
            body = new String(bytes, StandardCharsets.UTF_8);
        } else {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            close = true;
        }
        if (close) {
            close();
        }
        return new Reply(status, body);
    }

    private int chunkSize() throws IOException {
        String size = line();
        if (size == null) {
            throw new IOException("chunked answer cut short");
        }
        int semi = size.indexOf(';');
        return Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
    }

    private String line() throws IOException {
        StringBuilder b = new StringBuilder(64);
        for (int c = in.read(); c >= 0; c = in.read()) {
            if (c == '\n') {
                int n = b.length();
                return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
            }
            b.append((char) c);
        }
        return b.length() == 0 ? null : b.toString();
    }

    /** The text value of a JSON field in a flat answer, or null; enough for the few fields the load reads. */
    static String field(String json, String name) {
        String key = "\"" + name + "\":";
        int at = json.indexOf(key);
        if (at < 0) {
            return null;
        }
        int i = at + key.length();
        while (i < json.length() && json.charAt(i) == ' ') {
            i++;
        }
        if (i < json.length() && json.charAt(i) == '"') {
            int end = json.indexOf('"', i + 1);
            return json.substring(i + 1, end);
        }
        int end = i;
        while (end < json.length() && ",}] ".indexOf(json.charAt(end)) < 0) {
            end++;
        }
        return json.substring(i, end);
    }

    @Override
    public void close() {
        Socket s = socket;
        socket = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
