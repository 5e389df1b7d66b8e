package dev.vectis.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** multipart/form-data bodies, written by hand so field names, file names and values can be anything. */
final class Multipart {

    static final String BOUNDARY = "fuzzBoundary7MA4YWxkTrZu0gW";

    /** One part; {@code filename} null for a plain field. Names and file names are strings of bytes. */
    record Part(String name, String filename, byte[] content) {

        static Part field(String name, String value) {
            return new Part(name, null, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    private Multipart() {
    }

    /** POST /api/execute's fields: a bundle, the commands to run in it, and the mode. */
    static List<Part> execute(byte[] zip) {
        List<Part> parts = new ArrayList<>();
        parts.add(new Part("file", "bundle.zip", zip));
        parts.add(Part.field("commands", "bash run.sh"));
        parts.add(Part.field("mode", "distributed"));
        return parts;
    }

    static byte[] encode(List<Part> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Part p : parts) {
            out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + p.name() + "\""
                    + (p.filename() == null ? "" : "; filename=\"" + p.filename() + "\"")
                    + (p.filename() == null ? "" : "\r\nContent-Type: application/zip") + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(p.content());
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }
}
