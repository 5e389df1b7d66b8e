package dev.vectis.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/** Whole bodies that are not the JSON object a route reads: wrong shape, broken syntax, bad bytes, wrong type. */
final class BodyMutations {

    private BodyMutations() {
    }

    static void apply(Draft d, Random r) {
        String valid = d.json != null ? d.json.toString() : "{\"a\":\"b\"}";
        String firstField = d.json != null && d.json.fieldNames().hasNext() ? d.json.fieldNames().next() : "a";
        int choice = r.nextInt(24);
        byte[] body;
        String what;
        switch (choice) {
            case 0 -> {
                String text = Hostile.pick(r, List.of("", "null", "[]", "[{}]", "0", "-1", "\"text\"", "true", "{",
                        "}", "{\"a\":}", "{,}", "{'a':1}", "{\"a\":1,}", "{\"a\" 1}", "[1,", "{\"a\":\"\\u00\"}",
                        "{\"a\":\"\\ud800\"}", "{\"a\":\"\\u0000\"}", "{\"\\u0000\":1}", "NaN", "{\"a\":NaN}"));
                body = utf8(text);
                what = "body " + Mutator.printable(text);
            }
            case 1 -> {
                int depth = Hostile.pick(r, List.of(600, 1100, 5000));
                body = utf8("[".repeat(depth) + "]".repeat(depth));
                what = "body of " + depth + " nested arrays";
            }
            case 2 -> {
                int depth = Hostile.pick(r, List.of(600, 1100, 5000));
                body = utf8("{\"a\":".repeat(depth) + "1" + "}".repeat(depth));
                what = "body of " + depth + " nested objects";
            }
            case 3 -> {
                body = utf8("{\"" + firstField + "\":null," + valid.substring(1));
                what = "duplicate key " + firstField + " (first null)";
            }
            case 4 -> {
                body = utf8(valid.substring(0, valid.length() - 1) + ",\"" + firstField + "\":"
                        + Hostile.pick(r, List.of("null", "1", "\"x\"", "[]", "{}", "1e400")) + "}");
                what = "duplicate key " + firstField + " (last one odd)";
            }
            case 5, 6 -> {
                byte[] bad = Hostile.pick(r, List.of(new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xFF},
                        new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xC0, (byte) 0x80},
                        new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, new byte[] {(byte) 0xE2, (byte) 0x82}));
                body = badBytesInFirstString(valid, bad);
                what = "bytes that are not UTF-8 inside a string";
            }
            case 7 -> {
                body = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8(valid));
                what = "a byte-order mark before the body";
            }
            case 8 -> {
                body = utf8(valid + Hostile.pick(r, List.of("garbage", "}}", valid, "\u0000", " [1]")));
                what = "something after the body";
            }
            case 9 -> {
                body = utf8(valid.replaceFirst("\":\"", "\":\"\u0000\u0001"));
                what = "raw control characters inside a string";
            }
            case 10 -> {
                body = utf8("{\"" + firstField + "\":" + "1".repeat(Hostile.pick(r, List.of(1001, 20_000))) + "}");
                what = "a number with thousands of digits";
            }
            case 11 -> {
                body = utf8("{\"" + firstField + "\":1e999999999}");
                what = "an exponent beyond any number";
            }
            case 12 -> {
                body = valid.getBytes(StandardCharsets.UTF_16);
                d.contentType = "application/json; charset=utf-16";
                what = "UTF-16 body";
            }
            case 13 -> {
                body = utf8(valid);
                d.contentType = Hostile.pick(r, List.of("text/plain", "application/x-www-form-urlencoded",
                        "multipart/form-data; boundary=x", "multipart/form-data", "", "application/json; charset=nope",
                        "*/*", "application/xml"));
                what = "Content-Type " + (d.contentType.isEmpty() ? "absent" : d.contentType);
            }
            case 14 -> {
                body = utf8(" ".repeat(Hostile.pick(r, List.of(100_000, 2_000_000))) + valid);
                what = "a large body (padding, then the valid JSON)";
            }
            case 15 -> {
                body = utf8("{\"" + firstField + "\":\"" + "x".repeat(3_000_000) + "\"}");
                what = "a 3 MB string";
            }
            case 16 -> {
                body = utf8("[" + valid + "]");
                what = "the valid body inside an array";
            }
            case 17 -> {
                body = utf8("{\"" + firstField + "\":\"\\u" + Hostile.pick(r, List.of("d800", "dc00", "0000",
                        "DBFF\\uDBFF", "zzzz")) + "\"}");
                what = "an escaped code unit PostgreSQL cannot store, or a broken escape";
            }
            case 18 -> {
                body = new byte[] {0, 0, 0, 0};
                what = "NUL bytes";
            }
            default -> {
                body = utf8(valid.replace("\"", "'"));
                what = "single-quoted JSON";
            }
        }
        d.raw = body;
        d.json = null;
        d.parts = null;
        d.mutations.add(what);
    }

    private static byte[] badBytesInFirstString(String json, byte[] bad) {
        int quote = json.indexOf(":\"");
        if (quote < 0) {
            return concat(utf8("{\"a\":\""), concat(bad, utf8("\"}")));
        }
        return concat(utf8(json.substring(0, quote + 2)), concat(bad, utf8(json.substring(quote + 2))));
    }

    static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
