package dev.vectis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** The marketplace's VPS sessions, every user's (GET /admin/vps-sessions, docs/vps-marketplace.md). */
@Command(name = "sessions", description = "List VPS sessions.")
final class SessionsCommand {

    @ParentCommand
    AdminCommand admin;

    @Command(name = "list", description = "Every user's sessions, newest first, one page.")
    int list(@Option(names = "--status", paramLabel = "STATUS", description = "pending, provisioning, ready, stopping, failed…")
             String status,
             @Option(names = "--flagged", description = "only sessions waiting for an operator") boolean flagged,
             @Option(names = "--limit", paramLabel = "N", description = "sessions per page, 1-500") Integer limit,
             @Option(names = "--cursor", paramLabel = "CURSOR", description = "the next page, as the last one said") String cursor) {
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("status", status);
        q.put("flagged", flagged ? "true" : null);
        q.put("limit", limit);
        q.put("cursor", cursor);
        Reply reply = admin.api().get("/admin/vps-sessions" + ApiClient.query(q));
        if (admin.json()) {
            admin.printJson(reply);
            return 0;
        }
        JsonNode page = reply.json();
        Table t = new Table("ID", "USER", "PRODUCT", "STATUS", "WORKER", "PRICE", "CREATED", "FLAGGED");
        for (JsonNode s : page.path("sessions")) {
            t.row(Values.text(s.get("id")), Values.text(s.get("user_id")), Values.text(s.path("product").get("name")),
                    Values.text(s.get("status")), Values.text(s.get("worker_id")), Values.text(s.get("price_coins")),
                    Values.time(s.get("created_at")), s.path("flagged").asBoolean() ? "yes" : "no");
        }
        t.print(admin.out());
        admin.morePages(page.get("next_cursor"));
        return 0;
    }
}
