package dev.vectis.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/** multipart/form-data gone wrong: odd field values, file names and contents, missing or doubled parts, broken framing. */
final class FormMutations {

    /** Field values and file names as bytes: NUL, text that is not UTF-8, paths, very long. */
    private static final List<byte[]> TEXT = List.of(bytes(""), bytes(" "), bytes("a\u0000b"), bytes("\u0000"),
            new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xC3, 0x28},
            new byte[] {(byte) 0xFF, (byte) 0xFE}, bytes("../../etc/passwd"), bytes("..\\..\\boot.ini"),
            bytes("x".repeat(300)), bytes("x".repeat(70_000)), bytes("direct"), bytes("DISTRIBUTED"),
            bytes("😀.zip"), bytes("%00.zip"), bytes("a\"b.zip"), bytes("a\r\nX-Injected: 1"));

    private FormMutations() {
    }

    static void apply(Draft d, Random r) {
        List<Multipart.Part> parts = d.parts;
        switch (r.nextInt(9)) {
            case 0, 1 -> {
                String name = Hostile.pick(r, List.of("commands", "mode"));
                byte[] value = Hostile.pick(r, TEXT);
                parts.replaceAll(p -> p.name().equals(name) ? new Multipart.Part(name, null, value) : p);
                d.mutations.add("form field " + name + " = " + shown(value));
            }
            case 2 -> {
                String filename = new String(Hostile.pick(r, TEXT), StandardCharsets.ISO_8859_1);
                parts.replaceAll(p -> p.filename() != null ? new Multipart.Part(p.name(), filename, p.content()) : p);
                d.mutations.add("file name " + Mutator.printable(filename));
            }
            case 3 -> {
                byte[] content = Hostile.pick(r, List.of(new byte[0], bytes("not a zip"), new byte[2_000_000],
                        Hostile.pick(r, TEXT)));
                parts.replaceAll(p -> p.filename() != null ? new Multipart.Part(p.name(), p.filename(), content) : p);
                d.mutations.add("file content of " + content.length + " bytes that are not a zip");
            }
            case 4 -> {
                Multipart.Part gone = parts.remove(r.nextInt(parts.size()));
                d.mutations.add("form without " + gone.name());
            }
            case 5 -> {
                Multipart.Part again = parts.get(r.nextInt(parts.size()));
                parts.add(again);
                d.mutations.add("form field " + again.name() + " twice");
            }
            case 6 -> {
                String name = new String(Hostile.pick(r, TEXT), StandardCharsets.ISO_8859_1);
                parts.add(r.nextBoolean() ? new Multipart.Part(name, null, bytes("x"))
                        : new Multipart.Part(name, "extra.zip", bytes("x")));
                d.mutations.add("extra form part named " + Mutator.printable(name));
            }
            case 7 -> {
                parts.replaceAll(p -> p.name().equals("commands") ? new Multipart.Part("commands", "c.txt",
                        p.content()) : p);
                d.mutations.add("commands sent as a file");
            }
            default -> {
                byte[] whole = Multipart.encode(parts);
                int cut = r.nextInt(whole.length);
                d.raw = switch (r.nextInt(3)) {
                    case 0 -> java.util.Arrays.copyOf(whole, cut);
                    case 1 -> bytes(new String(whole, StandardCharsets.ISO_8859_1).replace(Multipart.BOUNDARY, "other"));
                    default -> whole;
                };
                d.contentType = Hostile.pick(r, List.of("multipart/form-data; boundary=" + Multipart.BOUNDARY,
                        "multipart/form-data", "multipart/form-data; boundary=", "multipart/mixed; boundary=x"));
                d.parts = null;
                d.mutations.add("broken multipart framing (cut at " + cut + "), Content-Type " + d.contentType);
            }
        }
    }

    private static String shown(byte[] value) {
        return Mutator.printable(new String(value, StandardCharsets.ISO_8859_1));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
