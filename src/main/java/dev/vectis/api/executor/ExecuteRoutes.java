package dev.vectis.api.executor;

import dev.vectis.api.executor.ExecutorReplies.Chunk;
import dev.vectis.api.executor.ExecutorReplies.Exit;
import dev.vectis.api.executor.ExecutorReplies.Queued;
import dev.vectis.auth.Permission;
import dev.vectis.auth.Principal;
import dev.vectis.error.ForbiddenException;
import dev.vectis.error.InvalidInputException;
import dev.vectis.error.NotFoundException;
import dev.vectis.http.AuditTrail;
import dev.vectis.http.StorableText;
import dev.vectis.http.StreamLimits;
import dev.vectis.jobs.Bundles;
import dev.vectis.jobs.DirectExecutor;
import dev.vectis.jobs.Job;
import dev.vectis.jobs.JobQueue;
import dev.vectis.jobs.NewJob;
import dev.vectis.workers.Labels;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Endpoint 10 (POST /api/execute, multipart) and the bundle downloads it creates (GET /uploads/{name}). */
final class ExecuteRoutes {

    private final ExecutorGuard guard;
    private final JobQueue queue;
    private final Bundles bundles;
    private final DirectExecutor direct;
    private final boolean directEnabled;
    private final String defaultMode;
    private final ObjectMapper mapper;
    private final StreamLimits limits;

    ExecuteRoutes(ExecutorGuard guard, JobQueue queue, Bundles bundles, DirectExecutor direct, boolean directEnabled,
                  String defaultMode, ObjectMapper mapper, StreamLimits limits) {
        this.guard = guard;
        this.queue = queue;
        this.bundles = bundles;
        this.direct = direct;
        this.directEnabled = directEnabled;
        this.defaultMode = defaultMode;
        this.mapper = mapper;
        this.limits = limits;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/execute", this::execute);
        routes.get("/uploads/{name}", this::download);
    }

    private void execute(Context ctx) throws IOException {
        Principal caller = guard.require(ctx, Permission.SUBMIT);
        String mode = Params.blankToNull(StorableText.checked(ctx.formParam("mode"), "mode"));
        mode = mode == null ? defaultMode : mode.trim();
        if (!mode.equals("distributed") && !mode.equals("direct")) {
            throw new InvalidInputException("mode", "mode must be \"distributed\" or \"direct\"");
        }
        if (mode.equals("direct") && !directEnabled) {
            throw new ForbiddenException("DIRECT_MODE_DISABLED", "Direct mode runs commands on the server itself and "
                    + "is disabled here; use mode=distributed, or set executor.direct_enabled: true");
        }
        String commands = StorableText.checked(ctx.formParam("commands"), "commands");
        UploadedFile file = ctx.uploadedFile("file");
        if (file == null || Params.blankToNull(commands) == null) {
            throw new InvalidInputException(file == null ? "file" : "commands", "file and commands are required");
        }
        InvalidInputException.maxLength(commands, "commands", 64 * 1024);
        // Ours, not the spec's; checked in either mode, used by distributed jobs only.
        Labels labels = Labels.fromText(StorableText.checked(ctx.formParam("labels"), "labels"), "labels");
        if (mode.equals("direct")) {
            // The run's output streams for as long as it runs: it takes a place as an event stream does.
            try (StreamLimits.Slot slot = limits.take(ctx, guard.streamCaller(ctx))) {
                runDirect(ctx, store(file), commands);
            }
            return;
        }
        String name = store(file);
        Job job = queue.create(new NewJob(commands, "/uploads/" + name, displayName(file.filename()), null, null,
                labels), ExecutorGuard.owner(caller), AuditTrail.recorder(ctx, id -> "job:" + id, 200));
        AuditTrail.written(ctx);
        ctx.json(new Queued(true, job.id(), "distributed", "Job created. Waiting for idle worker to pick it up.",
                "/api/jobs/status?jobId=" + job.id()));
    }

    private String store(UploadedFile file) throws IOException {
        try (InputStream in = file.content()) {
            return bundles.store(in);
        }
    }

    /** Streams the run as Server-Sent Events: stdout / stderr chunks, then one exit event. */
    private void runDirect(Context ctx, String bundle, String commands) throws IOException {
        String execId = "exec-" + UUID.randomUUID();
        ctx.status(200);
        ctx.res().setContentType("text/event-stream");
        ctx.res().setCharacterEncoding("UTF-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        ctx.res().setHeader("X-Exec-Id", execId);
        OutputStream out = ctx.res().getOutputStream();
        Object lock = new Object();
        boolean[] gone = {false};
        DirectExecutor.OutputSink sink = (stream, text) -> {
            synchronized (lock) {
                if (!gone[0]) {
                    try {
                        event(out, stream, new Chunk(text));
                    } catch (IOException e) {
                        gone[0] = true; // the client left; the run still finishes and cleans up
                    }
                }
            }
        };
        Path zip = bundles.find(bundle).orElseThrow();
        DirectExecutor.Result result = direct.run(zip, commands, sink);
        synchronized (lock) {
            if (!gone[0]) {
                event(out, "exit", new Exit(execId, result.exitCode(), result.timedOut(), result.truncated()));
            }
        }
    }

    private void event(OutputStream out, String name, Object data) throws IOException {
        out.write(("event: " + name + "\ndata: " + mapper.writeValueAsString(data) + "\n\n")
                .getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void download(Context ctx) {
        guard.worker(ctx);
        Path file = bundles.find(ctx.pathParam("name"))
                .orElseThrow(() -> new NotFoundException("FILE_NOT_FOUND", "File not found"));
        try {
            ctx.contentType("application/zip");
            ctx.header("Content-Length", Long.toString(Files.size(file)));
            ctx.result(Files.newInputStream(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The uploader's file name, kept for display only: never used as a path. */
    private static String displayName(String filename) {
        if (filename == null || filename.isBlank()) {
            return "bundle.zip";
        }
        String base = filename.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._ -]", "_");
        return base.isBlank() ? "bundle.zip" : base.substring(0, Math.min(255, base.length()));
    }
}
