package dev.vectis.api.executor;

import dev.vectis.http.EventStream;
import dev.vectis.jobs.JobQueue;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;

/**
 * GET /api/jobs/{jobId}/events: the job's status changes and output as Server-Sent Events,
 * resumable with Last-Event-ID. The stream ends once the job has finished and everything
 * has been sent.
 */
final class JobStream {

    private final ExecutorGuard guard;
    private final JobQueue queue;

    JobStream(ExecutorGuard guard, JobQueue queue) {
        this.guard = guard;
        this.queue = queue;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/jobs/{jobId}/events", this::stream);
    }

    private void stream(Context ctx) throws IOException, InterruptedException {
        guard.admin(ctx);
        String jobId = ctx.pathParam("jobId");
        queue.get(jobId); // 404 before the stream starts
        EventStream.serve(ctx, EventStream.lastEventId(ctx),
                after -> queue.eventsAfter(jobId, after, 500).stream()
                        .map(e -> new EventStream.Item(e.id(), e.kind(), e.data())).toList(),
                queue.events().changed(),
                () -> queue.get(jobId).finished(),
                () -> queue.events().closing());
    }
}
