package dev.vectis.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** One assignment from {@code GET /api/jobs/get-job}. {@code attempt} and {@code timeoutSeconds} may be absent. */
record AssignedJob(String jobId, String command, String fileUrl, String filename, Integer attempt, Integer timeoutSeconds) {

    static AssignedJob from(JsonNode job) {
        String id = job.path("jobId").asText("");
        if (id.isBlank()) {
            throw new AgentException("the server sent a job without a jobId");
        }
        return new AssignedJob(id, job.path("command").asText(""), job.path("fileUrl").asText(""),
                job.path("filename").asText(""), integer(job.path("attempt")), integer(job.path("timeoutSeconds")));
    }

    /** The fields every report about this job carries. */
    Map<String, Object> report(String workerId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jobId", jobId);
        body.put("workerId", workerId);
        if (attempt != null) {
            body.put("attempt", attempt);
        }
        return body;
    }

    private static Integer integer(JsonNode node) {
        return node.isIntegralNumber() && node.canConvertToInt() ? node.asInt() : null;
    }
}
