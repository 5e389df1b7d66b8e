package dev.vectis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The fleet view (docs/fleet.md): every worker of every contract, and drain / resume. */
@Command(name = "workers", description = "List, show, drain, pause, resume and label workers.")
final class WorkersCommand {

    private static final String PATH = "/api/v1/fleet/workers";

    @ParentCommand
    AdminCommand admin;

    @Command(name = "list", description = "Workers of every contract, one page.")
    int list(@Option(names = "--state", split = ",", paramLabel = "STATE",
                     description = "online, offline, draining, drained, maintenance, disabled (any of several)")
             List<String> states,
             @Option(names = "--contract", split = ",", paramLabel = "CONTRACT",
                     description = "fleet-registration, command-executor, session-worker-gateway, vps-marketplace")
             List<String> contracts,
             @Option(names = "--label", paramLabel = "KEY=VALUE", description = "repeat: all must match")
             List<String> labels,
             @Option(names = "--search", paramLabel = "TEXT", description = "text in id, name, hostname, address…")
             String search,
             @Option(names = "--sort", paramLabel = "FIELD", description = "id (default), lastHeardAt or state")
             String sort,
             @Option(names = "--desc", description = "newest / highest first") boolean desc,
             @Option(names = "--limit", paramLabel = "N", description = "workers per page, 1-1000 (default 100)")
             Integer limit,
             @Option(names = "--cursor", paramLabel = "CURSOR", description = "the next page, as the last one said")
             String cursor) {
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("state", states == null ? null : String.join(",", states));
        q.put("contract", contracts == null ? null : String.join(",", contracts));
        q.put("label", labels);
        q.put("q", search);
        q.put("sort", sort);
        q.put("order", desc ? "desc" : null);
        q.put("limit", limit);
        q.put("cursor", cursor);
        Reply reply = admin.api().get(PATH + ApiClient.query(q));
        if (admin.json()) {
            admin.printJson(reply);
            return 0;
        }
        JsonNode data = reply.data();
        Table t = new Table("ID", "NAME", "STATE", "CONTRACTS", "LAST HEARD", "JOBS", "SESSIONS", "LABELS");
        for (JsonNode w : data.path("workers")) {
            t.row(Values.text(w.get("id")), Values.text(w.get("name")), Values.text(w.get("state")),
                    Values.text(w.get("contracts")), Values.time(w.get("lastHeardAt")),
                    used(w, "jobs"), used(w, "sessions"), Values.text(w.get("labels")));
        }
        t.print(admin.out());
        admin.morePages(data.get("nextCursor"));
        return 0;
    }

    @Command(name = "show", description = "One worker, every field.")
    int show(@Parameters(paramLabel = "ID", description = "as the list shows it") String id) {
        Reply reply = admin.api().get(PATH + "/" + ApiClient.segment(id));
        if (admin.json()) {
            admin.printJson(reply);
        } else {
            Details.print(reply.data(), admin.out());
        }
        return 0;
    }

    @Command(name = "drain",
            description = "No new jobs or sessions; what runs finishes, then the worker is drained.")
    int drain(@Parameters(paramLabel = "ID", description = "as the list shows it") String id,
              @Option(names = "--reason", paramLabel = "TEXT", description = "kept in the worker's event") String reason) {
        return change(id, "drain", reason);
    }

    @Command(name = "maintenance", description = "No new jobs or sessions, at once, until resumed.")
    int maintenance(@Parameters(paramLabel = "ID", description = "as the list shows it") String id,
                    @Option(names = "--reason", paramLabel = "TEXT", description = "kept in the worker's event")
                    String reason) {
        return change(id, "maintenance", reason);
    }

    @Command(name = "disable", description = "No new jobs or sessions, at once, until resumed.")
    int disable(@Parameters(paramLabel = "ID", description = "as the list shows it") String id,
                @Option(names = "--reason", paramLabel = "TEXT", description = "kept in the worker's event")
                String reason) {
        return change(id, "disable", reason);
    }

    @Command(name = "resume", description = "Take work again (after drain, maintenance or disable).")
    int resume(@Parameters(paramLabel = "ID", description = "as the list shows it") String id,
               @Option(names = "--reason", paramLabel = "TEXT", description = "kept in the worker's event") String reason) {
        return change(id, "resume", reason);
    }

    @Command(name = "labels", description = "A worker's labels; with --set or --clear, replace them.")
    int labels(@Parameters(paramLabel = "ID", description = "as the list shows it") String id,
               @Option(names = "--set", paramLabel = "K=V,...", description = "the whole new set: keys left out are removed")
               String set,
               @Option(names = "--clear", description = "remove every label") boolean clear) {
        String path = PATH + "/" + ApiClient.segment(id) + "/labels";
        if (set != null && clear) {
            throw CliFailure.usage("give --set or --clear, not both");
        }
        Reply reply = set == null && !clear ? admin.api().get(path)
                : admin.api().send("PUT", path, clear ? Map.of() : LabelPairs.parse(set, "--set"), Map.of());
        if (admin.json()) {
            admin.printJson(reply);
        } else {
            JsonNode data = reply.data();
            admin.out().println(Values.text(data.get("workerId")) + " " + Values.text(data.get("labels")));
            admin.out().flush();
        }
        return 0;
    }

    private int change(String id, String action, String reason) {
        Reply reply = admin.api().post(PATH + "/" + ApiClient.segment(id) + "/" + action,
                reason == null ? null : Map.of("reason", reason));
        if (admin.json()) {
            admin.printJson(reply);
        } else {
            JsonNode w = reply.data();
            admin.out().println(Values.text(w.get("id")) + " " + Values.text(w.get("state")));
            admin.out().flush();
        }
        return 0;
    }

    /** Load against capacity, "1/2"; capacity is null for workers that take no such work. */
    private static String used(JsonNode w, String kind) {
        JsonNode load = w.path("load").get(kind);
        JsonNode capacity = w.path("capacity").get(kind);
        String used = Values.text(load);
        return capacity == null || capacity.isNull() ? used : used + "/" + capacity.asText();
    }
}
