package dev.vectis.api.executor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.testing.Http;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A polling agent written from command-executor.md: it registers with its own workerId and
 * hostname, heartbeats every 10 s, polls get-job every 5 s without saying who it is, and
 * reports output and the result naming its own workerId. The test drives it one 5-second
 * step at a time against the server's injected clock; every answer that is not the one a
 * working agent expects is kept in {@link #surprises}.
 */
final class SpecAgent {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    final String workerId;
    final String hostname;
    final List<String> ran = Collections.synchronizedList(new ArrayList<>());
    final List<String> surprises = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> attempts = Collections.synchronizedList(new ArrayList<>());
    private final Http http;
    private final String[] headers;
    private String job;
    private boolean started;

    /** {@code headers}: what every call carries besides the body, e.g. the X-Forwarded-For of its address. */
    SpecAgent(Http http, String workerId, String... headers) {
        this.http = http;
        this.workerId = workerId;
        this.hostname = "pc-" + workerId;
        this.headers = headers;
    }

    void register() {
        expect200("register", http.post("/api/workers/register", json(Map.of("workerId", workerId,
                "hostname", hostname, "os", "linux", "cpuCount", 4, "version", "1.0.0")), headers));
    }

    void heartbeat() {
        expect200("heartbeat", http.post("/api/workers/heartbeat", json(Map.of("workerId", workerId)), headers));
    }

    /** Five seconds of the agent's life: poll when idle; else run the job (output, then the result). */
    void step() {
        if (job == null) {
            poll();
        } else if (!started) {
            started = true;
            expect200("stream-output " + job, http.post("/api/jobs/stream-output", json(Map.of("jobId", job,
                    "workerId", workerId, "data", "started on " + workerId + "\n", "type", "stdout")), headers));
        } else {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("jobId", job);
            result.put("workerId", workerId);
            result.put("stdout", output(job, workerId));
            result.put("stderr", "");
            result.put("exitCode", 0);
            if (expect200("submit-result " + job, http.post("/api/jobs/submit-result", json(result), headers))) {
                ran.add(job);
            }
            job = null;
        }
    }

    static String output(String jobId, String workerId) {
        return "ran " + jobId + " on " + workerId + "\n";
    }

    private void poll() {
        Http.Response r = http.get("/api/jobs/get-job", headers);
        if (r.status() == 202) {
            return;
        }
        if (expect200("get-job", r)) {
            JsonNode assigned = r.json().get("job");
            job = assigned.get("jobId").asText();
            attempts.add(assigned.get("attempt").asInt());
            started = false;
        }
    }

    private boolean expect200(String call, Http.Response r) {
        if (r.status() != 200) {
            surprises.add(workerId + " " + call + ": " + r.status() + " " + r.body());
            return false;
        }
        return true;
    }

    private static String json(Map<String, Object> body) {
        try {
            return MAPPER.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
