package dev.vectis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code vectis admin …}: operating a Vectis server from a shell, over its HTTP API only
 * (docs/cli.md). Not Runnable: without a subcommand picocli reports a usage error (exit 2).
 */
@Command(name = "admin",
        description = "Operate a Vectis server over its HTTP API.",
        subcommands = {WorkersCommand.class, JobsCommand.class, SessionsCommand.class, CoinsCommand.class,
                ProvidersCommand.class, TokensCommand.class, NodesCommand.class, AuditCommand.class},
        footerHeading = "%nExit status:%n",
        footer = {"  0  done", "  1  the server refused or failed the request (4xx/5xx other than below)",
                "  2  usage or configuration error", "  3  cannot reach the server", "  4  not found (404)",
                "  5  authentication or permission refused (401/403)",
                "%nServer and token: --server/--token, else VECTIS_SERVER/VECTIS_TOKEN, "
                        + "else ~/.config/vectis/admin.yaml (keys server, token; chmod 600)."})
public final class AdminCommand {

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "Show this help.")
    boolean help;

    @Option(names = "--server", paramLabel = "URL", scope = ScopeType.INHERIT,
            description = "The Vectis server, e.g. https://vectis.example.com (default: $VECTIS_SERVER, then the config file).")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN", scope = ScopeType.INHERIT,
            description = "API token (default: $VECTIS_TOKEN, then the config file). Others on this machine can "
                    + "see command lines: prefer the environment or the file.")
    String token;

    @Option(names = "--config", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Config file with server: and token: (default: ~/.config/vectis/admin.yaml).")
    Path config;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "Print the API's JSON answer as it came, for scripts.")
    boolean json;

    private final Map<String, String> env;
    private final Path home;
    private ApiClient api;

    public AdminCommand() {
        this(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** With another environment and home directory: what tests run the commands with. */
    public AdminCommand(Map<String, String> env, Path home) {
        this.env = env;
        this.home = home;
    }

    /** Resolved on first use, so that --help needs no server or token. */
    ApiClient api() {
        if (api == null) {
            api = new ApiClient(Target.resolve(server, token, config, env, home));
        }
        return api;
    }

    boolean json() {
        return json;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** The answer as the API sent it, for --json. */
    void printJson(Reply reply) {
        String body = reply.body();
        out().print(body.endsWith("\n") ? body : body + "\n");
        out().flush();
    }

    /** Where a list stops short: the cursor of the next page, on stderr so the table stays clean. */
    void morePages(JsonNode nextCursor) {
        if (nextCursor != null && !nextCursor.isNull() && !nextCursor.asText().isEmpty()) {
            err().println("(more: add --cursor " + nextCursor.asText() + " for the next page)");
            err().flush();
        }
    }

    /** A line for the person at the terminal, on stderr, so stdout keeps only what scripts capture. */
    void note(String line) {
        err().println(line);
        err().flush();
    }
}
