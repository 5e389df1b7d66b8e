package dev.vectis.agent;

import java.io.IOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's outcome to the server: {@code POST /api/jobs/submit-result} when it ran,
 * {@code PUT} with an errorMessage when it could not. Retried on network errors and 5xx; a
 * 409 or 403 means the server has moved on (cancelled, timed out, reassigned) and is final.
 */
final class Reports {

    private static final Logger LOG = LoggerFactory.getLogger(Reports.class);
    static final int TRIES = 6;

    private final ServerClient server;
    private final String workerId;

    Reports(ServerClient server, String workerId) {
        this.server = server;
        this.workerId = workerId;
    }

    void complete(AssignedJob job, String stdout, String stderr, int exitCode) throws InterruptedException {
        Map<String, Object> body = job.report(workerId);
        body.put("stdout", stdout);
        body.put("stderr", stderr);
        body.put("exitCode", exitCode);
        send("POST", job, body);
    }

    void fail(AssignedJob job, String errorMessage) throws InterruptedException {
        Map<String, Object> body = job.report(workerId);
        body.put("errorMessage", errorMessage);
        send("PUT", job, body);
    }

    private void send(String method, AssignedJob job, Map<String, Object> body) throws InterruptedException {
        try {
            ServerClient.Response r = server.sendWithRetries(method, "/api/jobs/submit-result", body, TRIES);
            if (r.ok()) {
                return;
            }
            String why = r.json(server.mapper()).path("error").asText(r.text());
            if (r.status() == 409 || r.status() == 403) {
                LOG.info("The server no longer expects a result for job {} ({}): {}", job.jobId(), r.status(), why);
            } else {
                LOG.warn("The server refused the result of job {} (HTTP {}): {}", job.jobId(), r.status(), why);
            }
        } catch (IOException e) {
            LOG.error("Could not report job {} after {} tries: {}", job.jobId(), TRIES, e.toString());
        }
    }
}
