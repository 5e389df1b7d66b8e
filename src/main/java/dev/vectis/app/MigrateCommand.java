package dev.vectis.app;

import dev.vectis.config.ConfigLoader;
import dev.vectis.config.Settings;
import dev.vectis.db.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "migrate", description = "Apply database migrations and exit.", mixinStandardHelpOptions = true)
public final class MigrateCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file (default: ./vectis.yaml if present).")
    Path config;

    @Override
    public Integer call() throws Exception {
        Settings settings = ConfigLoader.load(Optional.ofNullable(config), Path.of("").toAbsolutePath(), System.getenv()).settings();
        LogSetup.apply(settings.log());
        Files.createDirectories(settings.dataDir());
        try (Database database = Database.open(settings.database(), settings.dataDir(), null)) {
            database.migrate();
        }
        System.out.println("Database is up to date.");
        return 0;
    }
}
