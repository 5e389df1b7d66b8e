package dev.vectis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** The audit log of operators' actions (GET /api/v1/audit, docs/tokens.md#the-audit-log). */
@Command(name = "audit", description = "Read the audit log.")
final class AuditCommand {

    @ParentCommand
    AdminCommand admin;

    @Command(name = "list", description = "Entries, newest first, one page.")
    int list(@Option(names = "--actor", paramLabel = "TOKEN", description = "a token's id or name, exactly") String actor,
             @Option(names = "--action", paramLabel = "PREFIX", description = "e.g. \"POST /api/jobs/\"") String action,
             @Option(names = "--target", paramLabel = "PREFIX", description = "e.g. job:job-17…") String target,
             @Option(names = "--limit", paramLabel = "N", description = "entries per page, 1-1000 (default 100)") Integer limit,
             @Option(names = "--cursor", paramLabel = "CURSOR", description = "the next page, as the last one said") String cursor) {
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("actor", actor);
        q.put("action", action);
        q.put("target", target);
        q.put("limit", limit);
        q.put("cursor", cursor);
        Reply reply = admin.api().get("/api/v1/audit" + ApiClient.query(q));
        if (admin.json()) {
            admin.printJson(reply);
            return 0;
        }
        JsonNode data = reply.data();
        Table t = new Table("ID", "AT", "ACTOR", "ROLE", "ACTION", "TARGET", "STATUS", "OUTCOME", "REQUEST");
        for (JsonNode e : data.path("entries")) {
            t.row(Values.text(e.get("id")), Values.time(e.get("at")), Values.text(e.get("actorName")),
                    Values.text(e.get("actorRole")), Values.text(e.get("action")), Values.shortened(e.get("target"), 60),
                    Values.text(e.get("status")), Values.text(e.get("outcome")), Values.text(e.get("requestId")));
        }
        t.print(admin.out());
        admin.morePages(data.get("nextCursor"));
        return 0;
    }
}
