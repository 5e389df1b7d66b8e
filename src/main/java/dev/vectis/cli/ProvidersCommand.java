package dev.vectis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Compute providers awaiting or holding approval (/admin/providers, docs/provider-registry.md#approval). */
@Command(name = "providers", description = "List, approve and suspend providers.")
final class ProvidersCommand {

    @ParentCommand
    AdminCommand admin;

    @Command(name = "list", description = "Providers, newest first, one page.")
    int list(@Option(names = "--status", paramLabel = "STATUS", description = "pending, approved, rejected or suspended")
             String status,
             @Option(names = "--limit", paramLabel = "N", description = "providers per page, 1-1000 (default 100)") Integer limit,
             @Option(names = "--cursor", paramLabel = "CURSOR", description = "the next page, as the last one said") String cursor) {
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("status", status);
        q.put("limit", limit);
        q.put("cursor", cursor);
        Reply reply = admin.api().get("/admin/providers" + ApiClient.query(q));
        if (admin.json()) {
            admin.printJson(reply);
            return 0;
        }
        JsonNode page = reply.json();
        Table t = new Table("ID", "NAME", "EMAIL", "ORGANIZATION", "STATUS", "CREATED", "REASON");
        for (JsonNode p : page.path("providers")) {
            t.row(Values.text(p.get("provider_id")), Values.text(p.get("name")), Values.text(p.get("email")),
                    Values.text(p.get("organization")), Values.text(p.get("status")), Values.time(p.get("created_at")),
                    Values.shortened(p.get("status_reason"), 40));
        }
        t.print(admin.out());
        admin.morePages(page.get("next_cursor"));
        return 0;
    }

    @Command(name = "approve", description = "Approve a pending, suspended or rejected provider.")
    int approve(@Parameters(paramLabel = "ID", description = "as the list shows it") String id,
                @Option(names = "--reason", paramLabel = "TEXT", description = "kept as the provider's status_reason") String reason) {
        return move(id, "approve", reason);
    }

    @Command(name = "suspend",
            description = "Suspend a provider: its tokens and key stop working on the next request.")
    int suspend(@Parameters(paramLabel = "ID", description = "as the list shows it") String id,
                @Option(names = "--reason", required = true, paramLabel = "TEXT",
                        description = "kept as the provider's status_reason") String reason) {
        return move(id, "suspend", reason);
    }

    private int move(String id, String action, String reason) {
        Reply reply = admin.api().post("/admin/providers/" + ApiClient.segment(id) + "/" + action,
                reason == null ? Map.of() : Map.of("reason", reason));
        if (admin.json()) {
            admin.printJson(reply);
        } else {
            JsonNode p = reply.json();
            admin.out().println(Values.text(p.get("provider_id")) + " " + Values.text(p.get("status")));
            admin.out().flush();
        }
        return 0;
    }
}
