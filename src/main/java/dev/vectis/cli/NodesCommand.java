package dev.vectis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** The Vectis nodes sharing one database (GET /admin/nodes, docs/operations.md#nodes). */
@Command(name = "nodes", description = "List the server's nodes.")
final class NodesCommand {

    @ParentCommand
    AdminCommand admin;

    @Command(name = "list", description = "Every live node, oldest first.")
    int list() {
        Reply reply = admin.api().get("/admin/nodes");
        if (admin.json()) {
            admin.printJson(reply);
            return 0;
        }
        Table t = new Table("ID", "ADDRESS", "VERSION", "STARTED", "LAST SEEN", "LOOPS", "ANSWERED");
        for (JsonNode n : reply.json().path("nodes")) {
            t.row(Values.text(n.get("id")), Values.text(n.get("address")), Values.text(n.get("version")),
                    Values.time(n.get("started_at")), Values.time(n.get("last_seen_at")), Values.text(n.get("loops")),
                    n.path("this_node").asBoolean() ? "yes" : "");
        }
        t.print(admin.out());
        return 0;
    }
}
