package dev.vectis.api.executor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.api.executor.ExecutorReplies.Heartbeat;
import dev.vectis.api.executor.ExecutorReplies.Left;
import dev.vectis.api.executor.ExecutorReplies.Registered;
import dev.vectis.auth.Permission;
import dev.vectis.db.Page;
import dev.vectis.error.InvalidInputException;
import dev.vectis.http.JsonBody;
import dev.vectis.http.QueryParams;
import dev.vectis.jobs.JobReaper;
import dev.vectis.http.WorkerSignatures;
import dev.vectis.workers.Departures;
import dev.vectis.workers.ExecutorRegistration;
import dev.vectis.workers.Labels;
import dev.vectis.workers.Worker;
import dev.vectis.workers.WorkerRegistry;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Endpoints 1-3: register, heartbeat, list; and leave, for Vectis's own agent. */
final class WorkerRoutes {

    /** {@code maxJobs} and {@code labels} are ours; labels absent or null leave the worker's labels as they are. */
    record RegisterBody(String workerId, String hostname, String os, Integer cpuCount, String version, Integer maxJobs,
                        JsonNode labels) {
    }

    record HeartbeatBody(String workerId) {
    }

    record LeaveBody(String workerId, List<String> stillRunning) {
    }

    /** A worker runs at most 1000 jobs at once (maxJobs). */
    static final int MAX_STILL_RUNNING = 1000;

    private final ExecutorGuard guard;
    private final JsonBody json;
    private final CallerAddress address;
    private final WorkerRegistry registry;
    private final JobReaper reaper;
    private final Departures departures;

    WorkerRoutes(ExecutorGuard guard, JsonBody json, CallerAddress address, WorkerRegistry registry, JobReaper reaper,
                 Departures departures) {
        this.guard = guard;
        this.json = json;
        this.address = address;
        this.registry = registry;
        this.reaper = reaper;
        this.departures = departures;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/workers/register", this::registerWorker);
        routes.post("/api/workers/heartbeat", this::heartbeat);
        routes.post("/api/workers/leave", this::leave);
        routes.get("/api/workers/register", this::list);
    }

    private void registerWorker(Context ctx) {
        guard.worker(ctx);
        RegisterBody b = json.read(ctx, RegisterBody.class);
        if (Params.blankToNull(b.workerId()) == null || Params.blankToNull(b.hostname()) == null) {
            throw new InvalidInputException(Params.blankToNull(b.workerId()) == null ? "workerId" : "hostname",
                    "workerId and hostname are required");
        }
        guard.actingFor(ctx, b.workerId());
        InvalidInputException.maxLength(b.hostname(), "hostname", 255);
        InvalidInputException.maxLength(b.os(), "os", 50);
        InvalidInputException.maxLength(b.version(), "version", 100);
        if (b.cpuCount() != null && (b.cpuCount() < 1 || b.cpuCount() > 100_000)) {
            throw new InvalidInputException("cpuCount", "cpuCount must be from 1 to 100000");
        }
        if (b.maxJobs() != null && (b.maxJobs() < 1 || b.maxJobs() > 1000)) {
            throw new InvalidInputException("maxJobs", "maxJobs must be from 1 to 1000");
        }
        Labels labels = b.labels() == null || b.labels().isNull() ? null : Labels.fromJson(b.labels(), "labels");
        Worker w = registry.registerExecutor(new ExecutorRegistration(b.workerId(), b.hostname().trim(), b.os(),
                b.cpuCount(), b.version(), b.maxJobs() == null ? 1 : b.maxJobs(), address.of(ctx), labels));
        // Also when it runs nothing of its own: a job held for its address may have been the old process's.
        reaper.workerRestarted(w.id());
        ctx.json(new Registered(true, w.id(), "Worker " + w.id() + " registered successfully",
                paceSeconds(ctx, registry.pace().heartbeatInterval()),
                paceSeconds(ctx, registry.pace().offlineAfter())));
    }

    private void heartbeat(Context ctx) {
        guard.worker(ctx);
        HeartbeatBody b = json.read(ctx, HeartbeatBody.class);
        if (Params.blankToNull(b.workerId()) == null) {
            throw new InvalidInputException("workerId", "workerId is required");
        }
        guard.actingFor(ctx, b.workerId());
        long at = registry.heartbeatFrom(b.workerId(), address.of(ctx));
        ctx.json(new Heartbeat(true, b.workerId(), at,
                paceSeconds(ctx, registry.pace().heartbeatInterval()),
                paceSeconds(ctx, registry.pace().offlineAfter())));
    }

    /** Vectis's own: the worker is going away (docs/command-executor.md, "Leaving"). */
    private void leave(Context ctx) {
        guard.worker(ctx);
        LeaveBody b = json.read(ctx, LeaveBody.class);
        if (Params.blankToNull(b.workerId()) == null) {
            throw new InvalidInputException("workerId", "workerId is required");
        }
        guard.actingFor(ctx, b.workerId());
        Set<String> stillRunning = new LinkedHashSet<>();
        if (b.stillRunning() != null) {
            if (b.stillRunning().size() > MAX_STILL_RUNNING) {
                throw new InvalidInputException("stillRunning", "stillRunning holds at most " + MAX_STILL_RUNNING
                        + " job ids");
            }
            for (String jobId : b.stillRunning()) {
                if (Params.blankToNull(jobId) == null) {
                    throw new InvalidInputException("stillRunning", "stillRunning must hold job ids");
                }
                InvalidInputException.maxLength(jobId, "stillRunning", 100);
                stillRunning.add(jobId);
            }
        }
        Departures.Departure d = departures.leave(b.workerId(), stillRunning);
        ctx.json(new Left(true, b.workerId(), d.handedBack(), "Worker " + b.workerId() + " left"));
    }

    /** The server's pace, for Vectis's own agents: they sign; spec clients get null, so the spec's exact body. */
    private static Long paceSeconds(Context ctx, Duration d) {
        return WorkerSignatures.signedWorker(ctx) != null ? d.toSeconds() : null;
    }

    private void list(Context ctx) {
        guard.require(ctx, Permission.READ);
        int limit = QueryParams.integer(ctx, "limit", 100, 1, 1000);
        String cursor = QueryParams.text(ctx, "cursor");
        Page<Worker> page = registry.list(cursor, limit, true);
        ctx.json(new ExecutorViews.WorkerPage(page.items().stream().map(ExecutorViews::worker).toList(),
                page.total(), page.nextCursor()));
    }
}
