package dev.vectis.agent;

import java.io.IOException;
import java.util.Map;

/** {@code POST /api/jobs/stream-output} for one job: the sending end of its {@link OutputBatcher}. */
final class StreamOutput implements OutputBatcher.Sender {

    private final ServerClient server;
    private final AssignedJob job;
    private final String workerId;

    StreamOutput(ServerClient server, AssignedJob job, String workerId) {
        this.server = server;
        this.job = job;
        this.workerId = workerId;
    }

    @Override
    public OutputBatcher.Outcome send(String type, String data) throws InterruptedException {
        Map<String, Object> body = job.report(workerId);
        body.put("data", data);
        body.put("type", type);
        try {
            ServerClient.Response r = server.send("POST", "/api/jobs/stream-output", body,
                    ServerClient.DEFAULT_TIMEOUT);
            if (r.ok()) {
                return r.json(server.mapper()).path("cancelled").asBoolean(false)
                        ? OutputBatcher.Outcome.JOB_OVER : OutputBatcher.Outcome.SENT;
            }
            // Not ours any more (cancelled, timed out, reassigned, deleted): stop working on it.
            boolean over = r.status() == 409 || r.status() == 403 || r.status() == 404;
            return over ? OutputBatcher.Outcome.JOB_OVER : OutputBatcher.Outcome.LOST;
        } catch (IOException e) {
            return OutputBatcher.Outcome.LOST;
        }
    }
}
