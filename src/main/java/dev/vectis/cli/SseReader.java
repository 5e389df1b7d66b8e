package dev.vectis.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Reads Server-Sent Events one at a time: comments and retry hints are skipped. */
final class SseReader implements AutoCloseable {

    record Event(String id, String name, String data) {
    }

    private final BufferedReader in;

    SseReader(InputStream stream) {
        this.in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
    }

    /** The next event, or null once the server ended the stream. */
    Event next() throws IOException {
        String id = null;
        String name = "message";
        StringBuilder data = null;
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null) {
                    return new Event(id, name, data.toString());
                }
                id = null;
                name = "message";
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "id" -> id = value;
                case "event" -> name = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> {
                    // retry: and unknown fields change nothing here
                }
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
