package dev.vectis;

import dev.vectis.agent.AgentCommand;
import dev.vectis.config.BuildInfo;
import dev.vectis.app.MigrateCommand;
import dev.vectis.app.ServerCommand;
import dev.vectis.app.VersionCommand;
import dev.vectis.cli.AdminCommand;
import dev.vectis.cli.CliFailure;
import dev.vectis.config.ConfigException;
import dev.vectis.db.DatabaseUnavailableException;
import io.javalin.util.JavalinBindException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "vectis", mixinStandardHelpOptions = true,
        versionProvider = Vectis.Version.class,
        description = "Control plane for fleets of remote workers.",
        subcommands = {ServerCommand.class, AgentCommand.class, MigrateCommand.class, AdminCommand.class,
                VersionCommand.class})
public final class Vectis implements Runnable {

    /** Exit status for a configuration error, distinct from a runtime failure (1). */
    public static final int CONFIG_ERROR = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return commandLine(CommandLine.defaultFactory()).execute(args);
    }

    /** The whole command line; tests pass a factory that gives commands their own environment. */
    public static CommandLine commandLine(CommandLine.IFactory factory) {
        return new CommandLine(new Vectis(), factory)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof CliFailure f) {
                        cmd.getErr().println("vectis admin: " + f.getMessage());
                        return f.exitCode();
                    }
                    if (e instanceof ConfigException) {
                        cmd.getErr().println("vectis: configuration error: " + e.getMessage());
                        return CONFIG_ERROR;
                    }
                    if (e instanceof DatabaseUnavailableException || e instanceof JavalinBindException) {
                        cmd.getErr().println("vectis: " + e.getMessage());
                        return 1;
                    }
                    LoggerFactory.getLogger(Vectis.class).error("Failed", e);
                    cmd.getErr().println("vectis: failed: " + e.getMessage());
                    return 1;
                });
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vectis " + BuildInfo.version()};
        }
    }
}
