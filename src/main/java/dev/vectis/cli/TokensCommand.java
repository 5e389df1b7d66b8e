package dev.vectis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Named tokens with roles (/api/v1/tokens, docs/tokens.md). */
@Command(name = "tokens", description = "Create, list and revoke named tokens.")
final class TokensCommand {

    @ParentCommand
    AdminCommand admin;

    @Command(name = "create",
            description = "Issue a token; its secret is printed on stdout, this once only.")
    int create(@Option(names = "--name", required = true, paramLabel = "NAME", description = "who or what holds it") String name,
               @Option(names = "--role", required = true, paramLabel = "ROLE", description = "admin, operator, viewer, submitter or worker")
               String role,
               @Option(names = "--expires", paramLabel = "TIME", description = "RFC 3339 time, e.g. 2031-01-01T00:00:00Z")
               String expires) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("role", role);
        if (expires != null) {
            body.put("expiresAt", expires);
        }
        Reply reply = admin.api().post("/api/v1/tokens", body);
        if (admin.json()) {
            admin.printJson(reply);
            return 0;
        }
        JsonNode t = reply.data();
        admin.note("Token " + t.path("id").asText() + " (" + t.path("name").asText() + ", " + t.path("role").asText()
                + ") created. Its secret follows; it cannot be shown again:");
        admin.out().println(t.path("token").asText());
        admin.out().flush();
        return 0;
    }

    @Command(name = "list", description = "Tokens in the order they were made, without secrets.")
    int list(@Option(names = "--limit", paramLabel = "N", description = "tokens per page, 1-1000") Integer limit,
             @Option(names = "--cursor", paramLabel = "CURSOR", description = "the next page, as the last one said") String cursor) {
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("limit", limit);
        q.put("cursor", cursor);
        Reply reply = admin.api().get("/api/v1/tokens" + ApiClient.query(q));
        if (admin.json()) {
            admin.printJson(reply);
            return 0;
        }
        JsonNode data = reply.data();
        Table table = new Table("ID", "NAME", "ROLE", "STATE", "CREATED", "LAST USED", "EXPIRES", "CREATED BY");
        for (JsonNode t : data.path("tokens")) {
            table.row(Values.text(t.get("id")), Values.text(t.get("name")), Values.text(t.get("role")),
                    Values.text(t.get("state")), Values.time(t.get("createdAt")), Values.time(t.get("lastUsedAt")),
                    Values.time(t.get("expiresAt")), Values.text(t.get("createdBy")));
        }
        table.print(admin.out());
        admin.morePages(data.get("nextCursor"));
        return 0;
    }

    @Command(name = "revoke", description = "Revoke a token on every node at once.")
    int revoke(@Parameters(paramLabel = "ID", description = "as the list shows it") String id) {
        Reply reply = admin.api().delete("/api/v1/tokens/" + ApiClient.segment(id));
        if (admin.json()) {
            admin.printJson(reply);
        } else {
            JsonNode t = reply.data();
            admin.out().println(Values.text(t.get("id")) + " " + Values.text(t.get("state")));
            admin.out().flush();
        }
        return 0;
    }
}
