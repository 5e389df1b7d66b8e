package dev.vectis.api.executor;

import dev.vectis.events.Feed;
import dev.vectis.events.FeedItem;
import dev.vectis.http.EventStream;
import dev.vectis.http.StreamLimits;
import dev.vectis.http.Streams;
import dev.vectis.jobs.JobQueue;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.List;

/**
 * GET /api/jobs/{jobId}/events: the job's status changes and output as Server-Sent Events,
 * resumable with Last-Event-ID. The stream ends once the job has finished and everything
 * has been sent.
 */
final class JobStream {

    private final ExecutorGuard guard;
    private final JobQueue queue;
    private final StreamLimits limits;
    private final Feed feed;

    JobStream(ExecutorGuard guard, JobQueue queue, Streams streams) {
        this.guard = guard;
        this.queue = queue;
        this.limits = streams.limits();
        this.feed = streams.reader().add("jobs", new Feed.Source((positions, limit) -> queue.eventsAfter(positions, limit)
                .stream().map(e -> new FeedItem(e.jobId(), e.id(), e.kind(), e.data())).toList(), queue::latestEvent,
                queue::newestEvent, queue.eventHorizon()::heldBack));
    }

    void register(RoutesConfig routes) {
        routes.get("/api/jobs/{jobId}/events", this::stream);
    }

    private void stream(Context ctx) throws IOException, InterruptedException {
        String readableBy = guard.jobReader(ctx);
        String jobId = ctx.pathParam("jobId");
        queue.get(jobId, readableBy); // 404 before the stream starts
        try (StreamLimits.Slot slot = limits.take(ctx, guard.streamCaller(ctx))) {
            EventStream.serve(ctx, feed, jobId, List.of(), EventStream.lastEventId(ctx),
                    new EventStream.Ending("status", () -> queue.get(jobId).finished()));
        }
    }
}
