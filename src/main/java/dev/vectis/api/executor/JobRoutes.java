package dev.vectis.api.executor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.api.executor.ExecutorReplies.CancelCheck;
import dev.vectis.api.executor.ExecutorReplies.JobAck;
import dev.vectis.api.executor.ExecutorReplies.JobCancelled;
import dev.vectis.api.executor.ExecutorReplies.JobRerun;
import dev.vectis.api.executor.ExecutorReplies.OutputAck;
import dev.vectis.api.executor.ExecutorReplies.Poll;
import dev.vectis.auth.Permission;
import dev.vectis.auth.Principal;
import dev.vectis.db.Page;
import dev.vectis.error.InvalidInputException;
import dev.vectis.http.AuditTrail;
import dev.vectis.http.JsonBody;
import dev.vectis.http.QueryParams;
import dev.vectis.jobs.Claim;
import dev.vectis.jobs.Job;
import dev.vectis.jobs.JobFilter;
import dev.vectis.jobs.JobQueue;
import dev.vectis.jobs.JobResults;
import dev.vectis.jobs.NewJob;
import dev.vectis.workers.Labels;
import dev.vectis.workers.WorkerRegistry;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Endpoints 4-9 and the queue's additions: stream-output, cancel, check-cancel. */
final class JobRoutes {

    /** {@code labels} is ours, not the spec's: only workers carrying all of them take the job. */
    record CreateBody(String command, String fileUrl, String filename, Integer maxAttempts, Integer timeoutSeconds,
                      JsonNode labels) {
    }

    record ResultBody(String jobId, String workerId, String stdout, String stderr, Integer exitCode, Integer attempt) {
    }

    record FailureBody(String jobId, String workerId, String errorMessage, Integer attempt) {
    }

    record OutputBody(String jobId, String workerId, String data, String type, Integer attempt) {
    }

    record JobRef(String jobId) {
    }

    private static final int MAX_COMMAND = 64 * 1024;

    private final ExecutorGuard guard;
    private final JsonBody json;
    private final CallerAddress address;
    private final WorkerRegistry registry;
    private final JobQueue queue;
    private final JobResults results;

    JobRoutes(ExecutorGuard guard, JsonBody json, CallerAddress address, WorkerRegistry registry, JobQueue queue,
              JobResults results) {
        this.guard = guard;
        this.json = json;
        this.address = address;
        this.registry = registry;
        this.queue = queue;
        this.results = results;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/jobs/create", this::create);
        routes.get("/api/jobs/create", this::list);
        routes.get("/api/jobs/get-job", this::next);
        routes.get("/api/jobs/status", this::status);
        routes.post("/api/jobs/submit-result", this::submit);
        routes.put("/api/jobs/submit-result", this::failure);
        routes.post("/api/jobs/stream-output", this::output);
        routes.post("/api/jobs/cancel", this::cancel);
        routes.post("/api/jobs/rerun", this::rerun);
        routes.get("/api/jobs/check-cancel", this::checkCancel);
    }

    private void create(Context ctx) {
        Principal caller = guard.require(ctx, Permission.SUBMIT);
        CreateBody b = json.read(ctx, CreateBody.class);
        Job job = queue.create(validated(b), ExecutorGuard.owner(caller), AuditTrail.recorder(ctx, id -> "job:" + id, 200));
        AuditTrail.written(ctx);
        ctx.json(new JobAck(true, job.id(), "Job created successfully"));
    }

    static NewJob validated(CreateBody b) {
        if (Params.blankToNull(b.command()) == null || Params.blankToNull(b.fileUrl()) == null
                || Params.blankToNull(b.filename()) == null) {
            String missing = Params.blankToNull(b.command()) == null ? "command"
                    : Params.blankToNull(b.fileUrl()) == null ? "fileUrl" : "filename";
            throw new InvalidInputException(missing, "command, fileUrl, and filename are required");
        }
        InvalidInputException.maxLength(b.command(), "command", MAX_COMMAND);
        InvalidInputException.maxLength(b.filename(), "filename", 255);
        FileUrls.check(b.fileUrl());
        if (b.maxAttempts() != null && (b.maxAttempts() < 1 || b.maxAttempts() > 100)) {
            throw new InvalidInputException("maxAttempts", "maxAttempts must be from 1 to 100");
        }
        if (b.timeoutSeconds() != null && (b.timeoutSeconds() < 1 || b.timeoutSeconds() > 604_800)) {
            throw new InvalidInputException("timeoutSeconds", "timeoutSeconds must be from 1 to 604800");
        }
        return new NewJob(b.command(), b.fileUrl(), b.filename(), b.maxAttempts(), b.timeoutSeconds(),
                Labels.fromJson(b.labels(), "labels"));
    }

    /** Ours beside the spec's: ?status= (one or several, comma-separated), ?workerId=, ?order=desc. */
    private void list(Context ctx) {
        String readableBy = guard.jobReader(ctx);
        int limit = QueryParams.integer(ctx, "limit", 100, 1, 1000);
        Long after = Page.numericCursor(QueryParams.text(ctx, "cursor"), "nextCursor");
        List<String> statuses = new ArrayList<>();
        for (String raw : ctx.queryParams("status")) {
            for (String s : raw.split(",")) {
                if (s.isBlank()) {
                    continue;
                }
                if (!JobFilter.STATUSES.contains(s.trim())) {
                    throw new InvalidInputException("status",
                            "status must be pending, running, completed, failed or cancelled");
                }
                statuses.add(s.trim());
            }
        }
        String workerId = QueryParams.text(ctx, "workerId");
        InvalidInputException.maxLength(workerId, "workerId", 100);
        String order = QueryParams.text(ctx, "order");
        if (order != null && !order.equals("asc") && !order.equals("desc")) {
            throw new InvalidInputException("order", "order must be asc or desc");
        }
        Page<Job> page = queue.list(new JobFilter(statuses, workerId, null, "desc".equals(order)), after, limit,
                readableBy);
        ctx.json(new ExecutorViews.JobPage(page.items().stream().map(ExecutorViews::job).toList(), page.total(),
                page.nextCursor()));
    }

    /**
     * The poll: the named worker gets the job (a poll also counts as a heartbeat); a poll that
     * names no worker is placed by its address (docs/command-executor.md, "Who gets a job").
     */
    private void next(Context ctx) throws InterruptedException {
        guard.worker(ctx);
        String workerId = guard.caller(ctx);
        Duration wait = Duration.ofSeconds(QueryParams.integer(ctx, "wait", 0, 0, 30));
        String from = address.of(ctx);
        Claim claim;
        if (workerId != null) {
            registry.heartbeatFrom(workerId, from);
            claim = queue.claim(workerId, wait);
        } else {
            claim = queue.claimFrom(from, wait);
        }
        if (claim.outcome() == Claim.Outcome.CLAIMED) {
            ctx.json(new Poll(true, null, ExecutorViews.assignment(claim.job())));
            return;
        }
        ctx.status(202).json(new Poll(false, switch (claim.outcome()) {
            case NO_IDLE_WORKER -> "No idle workers available";
            case WORKER_BUSY -> "Worker is busy";
            default -> "No jobs available";
        }, null));
    }

    private void status(Context ctx) {
        String readableBy = guard.jobReader(ctx);
        ctx.json(ExecutorViews.job(queue.get(requiredQuery(ctx, "jobId"), readableBy)));
    }

    private void submit(Context ctx) {
        guard.worker(ctx);
        ResultBody b = json.read(ctx, ResultBody.class);
        if (Params.blankToNull(b.jobId()) == null || Params.blankToNull(b.workerId()) == null || b.exitCode() == null) {
            String missing = Params.blankToNull(b.jobId()) == null ? "jobId"
                    : Params.blankToNull(b.workerId()) == null ? "workerId" : "exitCode";
            throw new InvalidInputException(missing, "jobId, workerId, and exitCode are required");
        }
        guard.actingFor(ctx, b.workerId());
        results.complete(b.jobId(), b.workerId(), b.attempt(), b.stdout(), b.stderr(), b.exitCode());
        ctx.json(new JobAck(true, b.jobId(), "Job result submitted successfully"));
    }

    private void failure(Context ctx) {
        guard.worker(ctx);
        FailureBody b = json.read(ctx, FailureBody.class);
        if (Params.blankToNull(b.jobId()) == null || Params.blankToNull(b.workerId()) == null) {
            throw new InvalidInputException(Params.blankToNull(b.jobId()) == null ? "jobId" : "workerId",
                    "jobId and workerId are required");
        }
        InvalidInputException.maxLength(b.errorMessage(), "errorMessage", 10_000);
        guard.actingFor(ctx, b.workerId());
        results.fail(b.jobId(), b.workerId(), b.attempt(), b.errorMessage());
        ctx.json(new JobAck(true, b.jobId(), "Job failure recorded successfully"));
    }

    private void output(Context ctx) {
        guard.worker(ctx);
        OutputBody b = json.read(ctx, OutputBody.class);
        if (Params.blankToNull(b.jobId()) == null || b.data() == null || Params.blankToNull(b.type()) == null) {
            String missing = Params.blankToNull(b.jobId()) == null ? "jobId" : b.data() == null ? "data" : "type";
            throw new InvalidInputException(missing, "jobId, data, and type are required");
        }
        // Named like a result's, so it is checked against the assignment like one.
        String workerId = b.workerId() != null ? guard.actingFor(ctx, b.workerId()) : guard.caller(ctx);
        if (workerId == null) {
            throw new InvalidInputException("workerId", "workerId is required (or sign the request as the worker)");
        }
        boolean cancelled = results.appendOutput(b.jobId(), workerId, b.attempt(), b.type(), b.data());
        ctx.json(new OutputAck(true, b.jobId(), cancelled));
    }

    private void cancel(Context ctx) {
        guard.require(ctx, Permission.OPERATE);
        JobRef b = json.read(ctx, JobRef.class);
        if (Params.blankToNull(b.jobId()) == null) {
            throw new InvalidInputException("jobId", "jobId is required");
        }
        AuditTrail.target(ctx, "job:" + b.jobId());
        Job job = queue.cancel(b.jobId());
        ctx.json(new JobCancelled(true, job.id(), "Job cancelled", job.status()));
    }

    /** Ours, not the spec's: a new job with the same command, bundle, labels and limits as the given one. */
    private void rerun(Context ctx) {
        Principal caller = guard.require(ctx, Permission.SUBMIT);
        JobRef b = json.read(ctx, JobRef.class);
        if (Params.blankToNull(b.jobId()) == null) {
            throw new InvalidInputException("jobId", "jobId is required");
        }
        AuditTrail.target(ctx, "job:" + b.jobId());
        Job job = queue.rerun(b.jobId(), guard.jobReader(ctx), ExecutorGuard.owner(caller));
        ctx.json(new JobRerun(true, job.id(), "Job created successfully", b.jobId()));
    }

    private void checkCancel(Context ctx) {
        guard.worker(ctx);
        String jobId = requiredQuery(ctx, "jobId");
        // "Stop" in every case where finishing is pointless: cancelled, timed out, or taken away
        // from this worker (requeued after it was thought lost). A job still held for an
        // anonymous poll's address is nobody's yet, so no caller has lost it.
        Job job = queue.get(jobId);
        String caller = guard.caller(ctx);
        if (caller == null && job.workerId() != null) {
            guard.actingFor(ctx, job.workerId()); // asking for a job's worker without naming one
        }
        ctx.json(new CancelCheck(jobId, !Job.RUNNING.equals(job.status())
                || (caller != null && job.workerId() != null && !caller.equals(job.workerId()))));
    }

    static String requiredQuery(Context ctx, String name) {
        String value = QueryParams.text(ctx, name);
        if (value == null) {
            throw new InvalidInputException(name, name + " is required");
        }
        return value;
    }
}
