package dev.vectis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The command-executor's jobs (docs/command-executor.md): submit with a bundle, list, follow, cancel. */
@Command(name = "jobs", description = "Submit, list, follow and cancel jobs.")
final class JobsCommand {

    @ParentCommand
    AdminCommand admin;

    @Command(name = "submit",
            description = "Run a script on a worker with a ZIP bundle (POST /api/execute); prints the job id.")
    int submit(@Option(names = "--command", paramLabel = "TEXT", description = "the script, one command a line")
               String command,
               @Option(names = "--command-file", paramLabel = "FILE", description = "the script, read from a file as it is")
               Path commandFile,
               @Option(names = "--bundle", required = true, paramLabel = "FILE.zip", description = "the files the job runs in")
               Path bundle,
               @Option(names = "--labels", paramLabel = "K=V,...", description = "only workers with all these labels take it")
               String labels) {
        if ((command == null) == (commandFile == null)) {
            throw CliFailure.usage("give the script as --command TEXT or --command-file FILE (one of them)");
        }
        String script = command != null ? command : readScript(commandFile);
        if (script.isBlank()) {
            throw CliFailure.usage("the script is empty");
        }
        if (!Files.isRegularFile(bundle) || !Files.isReadable(bundle)) {
            throw CliFailure.usage("cannot read the bundle " + bundle);
        }
        if (labels != null) {
            LabelPairs.parse(labels, "--labels");
        }
        Multipart form = new Multipart().field("commands", script).field("mode", "distributed");
        if (labels != null) {
            form.field("labels", labels.strip());
        }
        try {
            form.file("file", bundle, "application/zip");
        } catch (FileNotFoundException e) {
            throw CliFailure.usage("cannot read the bundle " + bundle);
        }
        Reply reply = admin.api().multipart("/api/execute", form);
        if (admin.json()) {
            admin.printJson(reply);
        } else {
            admin.out().println(reply.json().path("jobId").asText());
            admin.out().flush();
        }
        return 0;
    }

    @Command(name = "list", description = "Jobs, oldest first, one page.")
    int list(@Option(names = "--limit", paramLabel = "N", description = "jobs per page, 1-1000 (default 100)") Integer limit,
             @Option(names = "--cursor", paramLabel = "CURSOR", description = "the next page, as the last one said") String cursor) {
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("limit", limit);
        q.put("cursor", cursor);
        Reply reply = admin.api().get("/api/jobs/create" + ApiClient.query(q));
        if (admin.json()) {
            admin.printJson(reply);
            return 0;
        }
        JsonNode page = reply.json();
        Table t = new Table("ID", "STATUS", "WORKER", "CREATED", "FINISHED", "EXIT", "LABELS", "COMMAND");
        for (JsonNode j : page.path("jobs")) {
            t.row(Values.text(j.get("jobId")), Values.text(j.get("status")), Values.text(j.get("workerId")),
                    Values.time(j.get("createdAt")), Values.time(j.get("completedAt")), Values.text(j.get("exitCode")),
                    Values.text(j.get("labels")), Values.shortened(j.get("command"), 50));
        }
        t.print(admin.out());
        admin.morePages(page.get("nextCursor"));
        return 0;
    }

    @Command(name = "logs",
            description = "The job's output: stdout here, stderr on stderr. -f follows it until the job ends.")
    int logs(@Parameters(paramLabel = "ID", description = "as the list shows it") String id,
             @Option(names = {"-f", "--follow"}, description = "follow the job's event stream until it ends") boolean follow) {
        if (follow) {
            return new JobFollower(admin, id).follow();
        }
        Reply reply = admin.api().get("/api/jobs/status?jobId=" + ApiClient.segment(id));
        if (admin.json()) {
            admin.printJson(reply);
            return 0;
        }
        JsonNode job = reply.json();
        admin.out().print(job.path("stdout").asText(""));
        admin.out().flush();
        admin.err().print(job.path("stderr").asText(""));
        admin.err().flush();
        if (!JobFollower.finished(job)) {
            admin.note("[" + id + " " + job.path("status").asText() + "; -f follows it]");
        }
        return 0;
    }

    @Command(name = "cancel", description = "Cancel a pending or running job.")
    int cancel(@Parameters(paramLabel = "ID", description = "as the list shows it") String id) {
        Reply reply = admin.api().post("/api/jobs/cancel", Map.of("jobId", id));
        if (admin.json()) {
            admin.printJson(reply);
        } else {
            admin.out().println(id + " " + reply.json().path("status").asText("cancelled"));
            admin.out().flush();
        }
        return 0;
    }

    /** The file's bytes as they are (newlines, quotes, a trailing newline), which must be UTF-8. */
    private static String readScript(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw CliFailure.usage(file + " is not UTF-8 text");
        } catch (IOException e) {
            throw CliFailure.usage("cannot read " + file + ": " + e.getMessage());
        }
    }
}
