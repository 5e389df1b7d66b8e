package dev.vectis.api.executor;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.config.RatePolicy;
import dev.vectis.config.Settings;
import dev.vectis.http.Callers;
import dev.vectis.http.ClientAddress;
import dev.vectis.http.ContractApi;
import dev.vectis.http.ErrorShape;
import dev.vectis.http.JsonBody;
import dev.vectis.http.PathPrefix;
import dev.vectis.http.Streams;
import dev.vectis.jobs.Bundles;
import dev.vectis.jobs.DirectExecutor;
import dev.vectis.jobs.JobQueue;
import dev.vectis.jobs.JobReaper;
import dev.vectis.jobs.JobResults;
import dev.vectis.workers.Departures;
import dev.vectis.workers.WorkerRegistry;
import io.javalin.config.RoutesConfig;
import java.util.Set;

/** command-executor.md: worker, job and execute endpoints, over the shared registry and queue. */
public final class ExecutorApi implements ContractApi {

    private static final PathPrefix[] PATHS = {
        new PathPrefix("/api/workers"), new PathPrefix("/api/jobs"),
        new PathPrefix("/api/execute"), new PathPrefix("/uploads")
    };

    /** What polling agents call, counted apart from submitters: a fleet behind one address makes many. */
    private static final Set<String> WORKER_CALLS = Set.of("POST /api/workers/register", "POST /api/workers/heartbeat",
            "POST /api/workers/leave", "GET /api/jobs/get-job", "POST /api/jobs/submit-result",
            "PUT /api/jobs/submit-result", "POST /api/jobs/stream-output", "GET /api/jobs/check-cancel");
    private static final PathPrefix BUNDLES = new PathPrefix("/uploads");

    private final WorkerRoutes workers;
    private final JobRoutes jobs;
    private final JobStream stream;
    private final ExecuteRoutes execute;

    public ExecutorApi(Settings.Executor settings, Callers callers, ClientAddress clients, ObjectMapper mapper,
                       WorkerRegistry registry, JobQueue queue, JobResults results, JobReaper reaper, Bundles bundles,
                       DirectExecutor direct, Streams streams, Departures departures) {
        ExecutorGuard guard = new ExecutorGuard(settings.auth(), callers);
        JsonBody json = new JsonBody(mapper);
        CallerAddress address = new CallerAddress(clients);
        this.workers = new WorkerRoutes(guard, json, address, registry, reaper, departures);
        this.jobs = new JobRoutes(guard, json, address, registry, queue, results);
        this.stream = new JobStream(guard, queue, streams);
        this.execute = new ExecuteRoutes(guard, queue, bundles, direct, settings.directEnabled(),
                settings.defaultMode(), mapper, streams.limits());
    }

    @Override
    public boolean owns(String path) {
        return PathPrefix.any(path, PATHS);
    }

    @Override
    public void routes(RoutesConfig routes) {
        workers.register(routes);
        jobs.register(routes);
        stream.register(routes);
        execute.register(routes);
    }

    @Override
    public RatePolicy addressPolicy(String method, String path) {
        return WORKER_CALLS.contains(method + " " + path) || BUNDLES.covers(path)
                ? RatePolicy.EXECUTOR_WORKER : RatePolicy.EXECUTOR_SUBMITTER;
    }

    /** The spec's {@code {"error": "...", "statusCode": 400}}. */
    @Override
    public ErrorShape errorShape() {
        return ExecutorApi::errorBody;
    }

    public static ErrorBody errorBody(dev.vectis.http.ApiError e) {
        return new ErrorBody(e.message(), e.status());
    }

    public record ErrorBody(String error, int statusCode) {
    }
}
