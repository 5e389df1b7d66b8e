package dev.vectis.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One request exactly as it goes on the wire. The target and header values are strings of
 * bytes (each char 0-255 is one byte), so they may hold %00, bad escapes, raw NUL or bytes
 * that are not UTF-8.
 */
record FuzzRequest(String method, String target, List<String[]> headers, byte[] body, String mutation) {

    byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((method + " " + target + " HTTP/1.1\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes("Host: 127.0.0.1\r\nConnection: close\r\n".getBytes(StandardCharsets.ISO_8859_1));
        boolean chunked = false;
        for (String[] h : headers) {
            out.writeBytes((h[0] + ": " + h[1] + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            chunked |= h[0].equalsIgnoreCase("Transfer-Encoding") && h[1].equalsIgnoreCase("chunked");
        }
        if (body != null && !chunked) {
            out.writeBytes(("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        if (chunked) {
            // Whole chunks: a body that never ends is the slow-client tests' business, not this one's.
            if (body != null && body.length > 0) {
                out.writeBytes((Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.writeBytes(body);
                out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        } else if (body != null) {
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    /** What a person needs to send the request again: the mutation, then the request with odd bytes escaped. */
    String describe() {
        StringBuilder s = new StringBuilder("mutation: ").append(mutation).append('\n');
        s.append(method).append(' ').append(escape(target, 600)).append('\n');
        for (String[] h : headers) {
            s.append(h[0]).append(": ").append(escape(h[1], 300)).append('\n');
        }
        if (body != null) {
            s.append('\n').append(escape(new String(body, StandardCharsets.ISO_8859_1), 1500));
        }
        return s.toString();
    }

    private static String escape(String text, int max) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < text.length() && s.length() < max; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                s.append(c);
            } else {
                s.append(String.format("\\x%02x", (int) c & 0xff));
            }
        }
        if (s.length() >= max) {
            s.append("… (").append(text.length()).append(" characters)");
        }
        return s.toString();
    }
}
