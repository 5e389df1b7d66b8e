package dev.vectis.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Sends a {@link FuzzRequest} on a new connection and reads the answer's status and body. An
 * event stream is cut after its head: only its status matters here.
 */
final class RawClient {

    /**
     * What came back: a status, or why none did. {@code refusedEarly}: the server stopped reading
     * and closed while the request was still being sent (a refusal before the body, such as a
     * 400 for the path, whose answer the reset may have swallowed), which is not a server error.
     */
    record Answer(int status, String head, String body, String failure, boolean refusedEarly) {

        Answer(int status, String head, String body, String failure) {
            this(status, head, body, failure, false);
        }

        boolean serverError() {
            return status >= 500 || (failure != null && !refusedEarly);
        }

        @Override
        public String toString() {
            return failure != null ? "no answer: " + failure
                    : status + "\n" + head.trim() + "\n\n" + (body.length() > 1500 ? body.substring(0, 1500) + "…" : body);
        }
    }

    private final int port;
    private final int timeoutMillis;

    RawClient(int port, int timeoutMillis) {
        this.port = port;
        this.timeoutMillis = timeoutMillis;
    }

    Answer send(FuzzRequest request) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(timeoutMillis);
            boolean sent = true;
            try {
                socket.getOutputStream().write(request.bytes());
                socket.getOutputStream().flush();
            } catch (IOException e) {
                sent = false;
            }
            InputStream in = socket.getInputStream();
            String head;
            try {
                head = head(in);
            } catch (IOException e) {
                if (!sent) {
                    return new Answer(0, "", "", "closed while the request was sent: " + e, true);
                }
                throw e;
            }
            if (head == null) {
                return new Answer(0, "", "", "the connection closed before a status line", !sent);
            }
            int status = Integer.parseInt(head.split(" ", 3)[1]);
            String lower = head.toLowerCase(Locale.ROOT);
            if (lower.contains("content-type: text/event-stream") || request.method().equalsIgnoreCase("HEAD")) {
                return new Answer(status, head, "", null);
            }
            byte[] body = lower.contains("transfer-encoding: chunked") ? chunked(in) : in.readAllBytes();
            return new Answer(status, head, new String(body, StandardCharsets.UTF_8), null);
        } catch (SocketTimeoutException e) {
            return new Answer(0, "", "", "no answer within " + timeoutMillis + " ms");
        } catch (IOException e) {
            return new Answer(0, "", "", e.toString());
        }
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int lastFour = 0;
        for (int b = in.read(); b >= 0; b = in.read()) {
            head.write(b);
            lastFour = (lastFour << 8) | b;
            if (lastFour == 0x0d0a0d0a) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1);
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line(in).split(";")[0].trim();
            if (size.isEmpty()) {
                return body.toByteArray();
            }
            int n = Integer.parseInt(size, 16);
            if (n == 0) {
                return body.toByteArray();
            }
            body.writeBytes(in.readNBytes(n));
            line(in);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                s.append((char) b);
            }
        }
        return s.toString();
    }
}
