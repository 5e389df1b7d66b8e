package dev.vectis.fuzz;

import java.util.List;
import java.util.Random;

/** Headers that are read, stored or trusted somewhere, with values that should not be. */
final class HeaderMutations {

    private static final List<String> VALUES = List.of("", " ", "\u0000", "a\u0000b", "\u00ff\u00fe",
            "\u00d0\u00ba\u00d0\u00bb", "\u00ed\u00a0\u0080", "x".repeat(300), "x".repeat(6000), "-1", "1e30",
            "99999999999999999999", "abc", "../x", "%00", "null", "<script>", "fuzz-same-key");

    private HeaderMutations() {
    }

    static void apply(Draft d, Fixtures f, Random r) {
        String name = Hostile.pick(r, List.of("Idempotency-Key", "Idempotency-Key", "X-Worker-Id", "X-Worker-Id",
                "Last-Event-ID", "X-Forwarded-For", "X-Request-Id", "User-Agent", "Origin", "Accept",
                "Content-Encoding", "Transfer-Encoding", "Range", "Cookie", "Expect", "Content-Type"));
        String value = switch (name) {
            case "X-Worker-Id" -> Hostile.pick(r, List.of(Hostile.pick(r, VALUES), f.signedWorker,
                    Fixtures.GATEWAY_WORKER, Fixtures.EXEC_WORKER + "x"));
            case "X-Forwarded-For" -> Hostile.pick(r, List.of("garbage", "1.2.3.4, 5.6.7.8", "::1",
                    "999.999.999.999", "\u0000", "1.2.3.4".repeat(500), "unknown", "", "fe80::1%eth0",
                    "fe80::1%" + "z".repeat(60), "::ffff:1.2.3.4", "1.2.3.4:8080", "[::1]", "0x7f.1"));
            case "Origin" -> Hostile.pick(r, List.of("null", "http://evil.example", "\u0000", "x".repeat(3000)));
            case "Accept" -> Hostile.pick(r, List.of("text/event-stream", "application/xml", "*/*;q=abc", "\u0000"));
            case "Content-Encoding" -> Hostile.pick(r, List.of("gzip", "br", "deflate", "identity, gzip", "x"));
            case "Transfer-Encoding" -> Hostile.pick(r, List.of("chunked", "gzip", "x"));
            case "Range" -> Hostile.pick(r, List.of("bytes=0-1", "bytes=-1", "bytes=99999999999999999999-",
                    "bytes=5-1", "lines=1"));
            case "Expect" -> Hostile.pick(r, List.of("100-continue", "garbage"));
            case "Content-Type" -> Hostile.pick(r, List.of("application/json; charset=utf-16",
                    "application/json; charset=nonsense", "multipart/form-data", "multipart/form-data; boundary=",
                    "text/plain", "*/*", "\u0000"));
            default -> Hostile.pick(r, VALUES);
        };
        d.headers.removeIf(h -> h[0].equalsIgnoreCase(name));
        if (name.equals("Content-Type")) {
            d.contentType = value.isEmpty() ? " " : value;
        } else {
            d.headers.add(new String[] {name, value});
        }
        d.mutations.add("header " + name + ": " + Mutator.printable(value));
    }
}
