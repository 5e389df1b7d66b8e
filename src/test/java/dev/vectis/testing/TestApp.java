package dev.vectis.testing;

import dev.vectis.app.Application;
import dev.vectis.config.ConfigLoader;
import dev.vectis.config.Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** A whole Vectis server in this JVM on a free port, on the given test database. */
public final class TestApp implements AutoCloseable {

    public static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdef";
    public static final String WORKER_TOKEN = "test-worker-token-0123456789abcdef";

    private final Application app;
    private final ByteArrayOutputStream console;
    private final Path dataDir;
    public final Http http;

    private TestApp(Application app, ByteArrayOutputStream console, Path dataDir) {
        this.app = app;
        this.console = console;
        this.dataDir = dataDir;
        this.http = new Http("http://127.0.0.1:" + app.port());
    }

    public static TestApp start(TestDatabase db) {
        return start(db, Map.of());
    }

    /** Starts with the admin token set, unless {@code env} maps VECTIS_ADMIN_TOKEN to "". */
    public static TestApp start(TestDatabase db, Map<String, String> extraEnv) {
        return start(db, extraEnv, Clock.systemUTC());
    }

    public static TestApp start(TestDatabase db, Map<String, String> extraEnv, Clock clock) {
        try {
            Path dataDir = Files.createTempDirectory("vectis-test");
            Map<String, String> env = new HashMap<>(db.env());
            env.put("VECTIS_SERVER_PORT", "0");
            env.put("VECTIS_SERVER_HOST", "127.0.0.1");
            env.put("VECTIS_DATA_DIR", dataDir.toString());
            env.put("VECTIS_ADMIN_TOKEN", ADMIN_TOKEN);
            env.put("VECTIS_WORKER_TOKENS", WORKER_TOKEN);
            env.put("VECTIS_SERVER_SHUTDOWN_TIMEOUT_SECONDS", "2");
            // Tests send bursts from one address; the limiter's own tests switch it back on.
            env.put("VECTIS_RATE_LIMIT_ENABLED", "false");
            env.putAll(extraEnv);
            Settings settings = ConfigLoader.fromEnvironment(dataDir, env);
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            Application app = Application.start(settings, new PrintStream(console, true, StandardCharsets.UTF_8),
                    clock);
            return new TestApp(app, console, dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Application app() {
        return app;
    }

    public String console() {
        return console.toString(StandardCharsets.UTF_8);
    }

    /** Authorization header values for the configured tokens. */
    public static String[] admin() {
        return new String[] {"Authorization", "Bearer " + ADMIN_TOKEN};
    }

    public static String[] worker() {
        return new String[] {"Authorization", "Bearer " + WORKER_TOKEN};
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        app.close();
    }
}
