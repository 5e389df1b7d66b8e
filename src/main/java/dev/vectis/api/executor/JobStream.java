package dev.vectis.api.executor;

import dev.vectis.jobs.Job;
import dev.vectis.jobs.JobEvent;
import dev.vectis.jobs.JobQueue;
import dev.vectis.jobs.Signal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * GET /api/jobs/{jobId}/events: the job's status changes and output as Server-Sent Events,
 * read from the stored history, so any node can serve it and Last-Event-ID resumes it. The
 * stream ends once the job has finished and everything has been sent.
 */
final class JobStream {

    private static final Duration SLICE = Duration.ofSeconds(1);
    private static final long KEEPALIVE_NANOS = Duration.ofSeconds(15).toNanos();

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
        long last = lastEventId(ctx);
        ctx.status(200);
        ctx.res().setContentType("text/event-stream");
        ctx.res().setCharacterEncoding("UTF-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        ctx.res().setHeader("X-Accel-Buffering", "no");
        OutputStream out = ctx.res().getOutputStream();
        write(out, "retry: 2000\n\n");
        Signal changed = queue.events().changed();
        long quietSince = System.nanoTime();
        while (true) {
            long seen = changed.version();
            List<JobEvent> events = queue.eventsAfter(jobId, last, 500);
            for (JobEvent e : events) {
                write(out, "id: " + e.id() + "\nevent: " + e.kind() + "\ndata: " + e.data() + "\n\n");
                last = e.id();
            }
            if (!events.isEmpty()) {
                quietSince = System.nanoTime();
                continue;
            }
            if (queue.events().closing()) {
                return; // the server is stopping; the client reconnects with Last-Event-ID
            }
            if (finished(jobId)) {
                // Re-read once more: the final event may have been written after the last query.
                if (queue.eventsAfter(jobId, last, 1).isEmpty()) {
                    return;
                }
                continue;
            }
            if (System.nanoTime() - quietSince > KEEPALIVE_NANOS) {
                write(out, ": keep-alive\n\n");
                quietSince = System.nanoTime();
            }
            changed.await(seen, SLICE);
        }
    }

    private boolean finished(String jobId) {
        Job job = queue.get(jobId);
        return job.finished();
    }

    private static long lastEventId(Context ctx) {
        String raw = Params.blankToNull(ctx.header("Last-Event-ID"));
        if (raw == null) {
            raw = Params.blankToNull(ctx.queryParam("lastEventId"));
        }
        if (raw == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(raw.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A write to a client that went away throws, which ends the handler. */
    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
