package dev.vectis.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Random;

/** The values a hostile or broken client sends: each list is one kind of input, picked from at random. */
final class Hostile {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Text that databases, parsers and length checks trip over. Strings of chars, any code unit. */
    static final List<String> TEXT = List.of("", " ", "a\u0000b", "\u0000", "\ud800", "x\udc00y", "\ud83d",
            "\ud83d\ude00", "\u202e\u0301", "\uffff\ufeff", "é".repeat(300), "a".repeat(101), "a".repeat(256),
            "a".repeat(1001), "a".repeat(5000), "a".repeat(70_000), "NaN", "Infinity", "-Infinity", "1e30", "-1",
            "0", "9223372036854775808", "' OR '1'='1' --", "<script>alert(1)</script>", "../../etc/passwd", "%00",
            "${jndi:ldap://127.0.0.1/x}", "\r\n", "\t", "\\", "\"", "null", "true", "2030-01-01T00:00:00Z",
            "99999-12-31T23:59:59Z", "http://127.0.0.1:1", "file:///etc/passwd", "http://[::1]:99999",
            "javascript:alert(1)", "http://user:pw@example.com", "ONLINE", "add", "set", "sub", "refund", "ready",
            "release", "direct", "distributed", "wrk_nope", "fuzz-exec-1", "fuzz-gw-1");

    /** Path segments, already percent-encoded as they go on the request line. */
    static final List<String> PATH = List.of("%00", "a%00b", "%2F", "a%2Fb", "..", "%2E%2E", "%25", "%", "%zz",
            "%C3%28", "%ED%A0%80", "%C0%80", "%F0%9F%98%80", "a".repeat(300), "a".repeat(5000), "-1", "0",
            "9223372036854775808", "null", "%20", "%0A", "%0D%0A", "%7B%7D", "%27%20OR%201=1--", "%FF", "\u00ff",
            ";a=b", "x;jsessionid=1", "%5C", "%u0000", "~", "*");

    /** Query values, percent-encoded. */
    static final List<String> QUERY = List.of("-1", "0", "1", "1e30", "99999999999999999999",
            "9223372036854775808", "-9223372036854775809", "2147483648", "abc", "", "%00", "a%00b", "%ED%A0%80",
            "%C3%28", "%zz", "%", "9".repeat(5000), "NaN", "1.5", "%205", "2030-01-01T00:00:00Z",
            "99999-01-01T00:00:00Z", "%2F", "true", "null", "[]", "%0A", "+", "%2B1", "0x10", "1_000",
            "a".repeat(300), "\u00ff", "pending", "failed");

    private Hostile() {
    }

    static <T> T pick(Random r, List<T> values) {
        return values.get(r.nextInt(values.size()));
    }

    /** A JSON value of the wrong type, size or range for most fields, or at the far edge of a valid range. */
    static JsonNode value(Random r) {
        return switch (r.nextInt(23)) {
            case 22 -> NODES.numberNode(pick(r, List.of(1000L, 10_000L, 100_000L, 604_800L, 86_400L, 65_535L,
                    999_999_999_999L, 1_000_000_000_000L, 4_294_967_296L)));
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(r.nextBoolean());
            case 2 -> NODES.numberNode(pick(r, List.of(0, -1, 1, Integer.MIN_VALUE, Integer.MAX_VALUE)));
            case 3 -> NODES.numberNode(pick(r, List.of(2_147_483_648L, Long.MAX_VALUE, Long.MIN_VALUE)));
            case 4 -> NODES.numberNode(pick(r, List.of(BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE),
                    BigInteger.valueOf(Long.MIN_VALUE).subtract(BigInteger.TWO), BigInteger.TEN.pow(40))));
            case 5 -> NODES.numberNode(pick(r, List.of(1e30, -1e30, 0.5, -0.0, 1e308, 4.9e-324)));
            case 6 -> NODES.numberNode(pick(r, List.of(new BigDecimal("1e400"), new BigDecimal("-1e400"),
                    new BigDecimal("1e-400"), new BigDecimal("0.1e2"))));
            case 7, 8, 9, 10, 11 -> NODES.textNode(pick(r, TEXT));
            case 12 -> NODES.arrayNode();
            case 13 -> NODES.arrayNode().addNull().add(1).add("x").add(NODES.objectNode());
            case 14 -> strings(pick(r, List.of(2, 21, 101, 1001, 5000)), r.nextBoolean() ? "w" : "fuzz-exec-1");
            case 15 -> NODES.objectNode();
            case 16 -> nested(pick(r, List.of(20, 200, 900)));
            case 17 -> wideObject(pick(r, List.of(100, 3000)));
            case 18 -> NODES.objectNode().put("a\u0000b", 1);
            case 19 -> NODES.arrayNode().add(NODES.textNode(pick(r, TEXT)));
            case 20 -> NODES.objectNode().set("x", NODES.textNode(pick(r, TEXT)));
            default -> NODES.textNode(pick(r, TEXT) + pick(r, TEXT));
        };
    }

    static ArrayNode strings(int n, String prefix) {
        ArrayNode a = NODES.arrayNode();
        for (int i = 0; i < n; i++) {
            a.add(prefix + i);
        }
        return a;
    }

    private static JsonNode nested(int depth) {
        ObjectNode root = NODES.objectNode();
        ObjectNode at = root;
        for (int i = 0; i < depth; i++) {
            at = at.putObject("a");
        }
        return root;
    }

    private static ObjectNode wideObject(int n) {
        ObjectNode o = NODES.objectNode();
        for (int i = 0; i < n; i++) {
            o.put("k" + i, i);
        }
        return o;
    }
}
