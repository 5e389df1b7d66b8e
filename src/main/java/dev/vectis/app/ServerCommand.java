package dev.vectis.app;

import dev.vectis.config.BuildInfo;
import dev.vectis.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

@Command(name = "server", description = "Run the Vectis server.", mixinStandardHelpOptions = true)
public final class ServerCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ServerCommand.class);

    /** {@code -config} is how provider-registry.md runs the service. */
    @Option(names = {"--config", "-config"}, paramLabel = "FILE",
            description = "YAML configuration file (default: ./vectis.yaml if present).")
    Path config;

    @Override
    public Integer call() {
        ConfigLoader.Loaded loaded = ConfigLoader.load(Optional.ofNullable(config), Path.of("").toAbsolutePath(), System.getenv());
        LogSetup.apply(loaded.settings().log());
        LOG.info("Vectis {} starting; configuration{}:", BuildInfo.version(),
                loaded.file().map(f -> " from " + f + " and the environment").orElse(" from the environment"));
        loaded.values().describe().forEach(line -> LOG.info("  {}", line));

        CountDownLatch stop = new CountDownLatch(1);
        // Handling TERM ourselves (rather than only a shutdown hook) lets a clean stop exit 0, not 143.
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());

        try (Application app = Application.start(loaded.settings(), System.out, Clock.systemUTC())) {
            LOG.info("Vectis is ready on port {}", app.port());
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
