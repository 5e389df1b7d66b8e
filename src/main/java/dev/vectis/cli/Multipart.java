package dev.vectis.cli;

import java.io.FileNotFoundException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A multipart/form-data body: text fields sent byte for byte, and files read as the body is sent. */
final class Multipart {

    private final String boundary = "vectis-" + UUID.randomUUID();
    private final List<HttpRequest.BodyPublisher> parts = new ArrayList<>();

    Multipart field(String name, String value) {
        text("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n\r\n" + value + "\r\n");
        return this;
    }

    Multipart file(String name, Path file, String contentType) throws FileNotFoundException {
        String filename = file.getFileName().toString().replaceAll("[\"\\\\\r\n]", "_");
        text("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\""
                + filename + "\"\r\nContent-Type: " + contentType + "\r\n\r\n");
        parts.add(HttpRequest.BodyPublishers.ofFile(file));
        text("\r\n");
        return this;
    }

    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    HttpRequest.BodyPublisher body() {
        List<HttpRequest.BodyPublisher> all = new ArrayList<>(parts);
        all.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "--\r\n", StandardCharsets.UTF_8));
        return HttpRequest.BodyPublishers.concat(all.toArray(HttpRequest.BodyPublisher[]::new));
    }

    private void text(String s) {
        parts.add(HttpRequest.BodyPublishers.ofString(s, StandardCharsets.UTF_8));
    }
}
