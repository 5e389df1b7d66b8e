package dev.vectis.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.http.HttpResponse;

/**
 * {@code jobs logs -f}: the job's event stream (GET /api/jobs/{id}/events) until the job ends.
 * A stream that ends early (a server restarting, a dropped connection) is opened again with
 * Last-Event-ID, so nothing is missed or shown twice.
 */
final class JobFollower {

    /** Consecutive failed attempts to reach the server, about a second apart, before giving up. */
    private static final int MAX_FAILURES = 30;

    private final AdminCommand admin;
    private final String jobId;
    private final StringBuilder streamedOut = new StringBuilder();
    private final StringBuilder streamedErr = new StringBuilder();
    private String lastEventId;

    JobFollower(AdminCommand admin, String jobId) {
        this.admin = admin;
        this.jobId = jobId;
    }

    int follow() {
        int failures = 0;
        while (true) {
            try {
                read();
                failures = 0;
                JsonNode job = status();
                if (finished(job)) {
                    finish(job);
                    return 0;
                }
            } catch (CliFailure f) {
                if (f.exitCode() != CliFailure.UNREACHABLE || ++failures > MAX_FAILURES) {
                    throw f;
                }
            } catch (IOException e) {
                if (++failures > MAX_FAILURES) {
                    throw CliFailure.unreachable("lost the event stream of " + jobId + ": " + e);
                }
            }
            pause();
        }
    }

    private void read() throws IOException {
        HttpResponse<InputStream> response = admin.api().stream("/api/jobs/" + ApiClient.segment(jobId) + "/events",
                lastEventId);
        try (SseReader events = new SseReader(response.body())) {
            SseReader.Event e;
            while ((e = events.next()) != null) {
                if (e.id() != null) {
                    lastEventId = e.id();
                }
                handle(e);
            }
        }
    }

    private void handle(SseReader.Event e) {
        JsonNode data;
        try {
            data = Reply.MAPPER.readTree(e.data());
        } catch (JsonProcessingException ex) {
            data = Reply.MAPPER.getNodeFactory().textNode(e.data());
        }
        if (admin.json()) {
            ObjectNode line = Reply.MAPPER.createObjectNode();
            line.put("id", e.id());
            line.put("event", e.name());
            line.set("data", data);
            admin.out().println(line);
            admin.out().flush();
            return;
        }
        if (e.name().equals("output")) {
            boolean err = "stderr".equals(data.path("type").asText());
            String text = data.path("data").asText();
            (err ? streamedErr : streamedOut).append(text);
            PrintWriter w = err ? admin.err() : admin.out();
            w.print(text);
            w.flush();
        } else if (e.name().equals("status")) {
            String status = data.path("status").asText();
            if (status.equals("running")) {
                // A new attempt starts its output afresh.
                streamedOut.setLength(0);
                streamedErr.setLength(0);
                admin.note("[" + jobId + " running on " + Values.text(data.get("workerId")) + ", attempt "
                        + data.path("attempt").asText() + "]");
            } else if (status.equals("pending") && data.path("attempt").asInt() > 0) {
                admin.note("[" + jobId + " back in the queue"
                        + (data.hasNonNull("errorMessage") ? ": " + data.get("errorMessage").asText() : "") + "]");
            }
        }
    }

    /** What the stream could not show: output a result replaced, and how the job ended. */
    private void finish(JsonNode job) {
        if (admin.json()) {
            ObjectNode line = Reply.MAPPER.createObjectNode();
            line.put("event", "job");
            line.set("data", job);
            admin.out().println(line);
            admin.out().flush();
            return;
        }
        rest(job.path("stdout"), streamedOut, admin.out());
        rest(job.path("stderr"), streamedErr, admin.err());
        admin.note("[" + jobId + " " + ending(job) + "]");
    }

    static String ending(JsonNode job) {
        String status = job.path("status").asText();
        return switch (status) {
            case "completed" -> "completed, exit code " + Values.text(job.get("exitCode"));
            case "failed" -> "failed: " + Values.text(job.get("errorMessage"));
            default -> status;
        };
    }

    private static void rest(JsonNode stored, StringBuilder streamed, PrintWriter w) {
        String all = stored.isTextual() ? stored.textValue() : "";
        if (all.startsWith(streamed.toString()) && all.length() > streamed.length()) {
            w.print(all.substring(streamed.length()));
            w.flush();
        }
    }

    private JsonNode status() {
        return admin.api().get("/api/jobs/status?jobId=" + ApiClient.segment(jobId)).json();
    }

    static boolean finished(JsonNode job) {
        String s = job.path("status").asText();
        return s.equals("completed") || s.equals("failed") || s.equals("cancelled");
    }

    private static void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliFailure.unreachable("interrupted");
        }
    }
}
