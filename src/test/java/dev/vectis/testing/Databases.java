package dev.vectis.testing;

import dev.vectis.db.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/**
 * Runs every {@link DbTest} on H2 and on PostgreSQL. H2 gets a new in-memory database per
 * test, loaded from a script of the schema that the migrations made once per run (running
 * them for every test cost more than most tests). PostgreSQL gets one database per test JVM
 * (Surefire runs two side by side), created and migrated on first use, emptied before each
 * test and dropped when the JVM ends.
 *
 * <p>PostgreSQL comes from VECTIS_TEST_POSTGRES_URL (default
 * jdbc:postgresql://127.0.0.1:5432/test, user postgres). If it cannot be reached the
 * PostgreSQL runs are skipped with a visible line, unless VECTIS_TEST_POSTGRES=require.
 */
public final class Databases implements TestTemplateInvocationContextProvider {

    private static final AtomicInteger H2_COUNTER = new AtomicInteger();
    private static volatile Postgres postgres;
    private static Path h2Schema;

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return true;
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        return Stream.of(invocation("h2"), invocation("postgresql"));
    }

    private static TestTemplateInvocationContext invocation(String engine) {
        return new TestTemplateInvocationContext() {
            private TestDatabase database;

            @Override
            public String getDisplayName(int index) {
                return "[" + engine + "]";
            }

            @Override
            public List<Extension> getAdditionalExtensions() {
                BeforeEachCallback setUp = ctx -> database = engine.equals("h2") ? newH2()
                        : postgres().begin(ctx.getRequiredTestClass().isAnnotationPresent(HoldsTransactionsOpen.class));
                AfterEachCallback tearDown = ctx -> {
                    if (engine.equals("h2") && database != null) {
                        shutdownH2(database.url());
                    } else if (!engine.equals("h2") && postgres != null && postgres.turns != null) {
                        postgres.turns.end();
                    }
                };
                ParameterResolver resolver = new ParameterResolver() {
                    @Override
                    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
                        return p.getParameter().getType() == TestDatabase.class;
                    }

                    @Override
                    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
                        return database;
                    }
                };
                return List.of(setUp, tearDown, resolver);
            }
        };
    }

    private static TestDatabase newH2() throws SQLException {
        TestDatabase db = new TestDatabase("h2", h2Url(), null, null);
        try (Connection c = DriverManager.getConnection(db.url()); Statement s = c.createStatement()) {
            s.execute("RUNSCRIPT FROM '" + h2Schema() + "'");
        }
        return db;
    }

    private static String h2Url() {
        return "jdbc:h2:mem:vectis_test_" + H2_COUNTER.incrementAndGet() + ";" + Database.H2_MODE
                + ";DB_CLOSE_DELAY=-1";
    }

    /** The migrated schema, Flyway's history included, as a script: made on first use. */
    private static synchronized Path h2Schema() throws SQLException {
        if (h2Schema == null) {
            TestDatabase migrated = new TestDatabase("h2", h2Url(), null, null);
            migrated.open().close();
            try {
                Path script = Files.createTempFile("vectis-h2-schema", ".sql");
                script.toFile().deleteOnExit();
                try (Connection c = DriverManager.getConnection(migrated.url()); Statement s = c.createStatement()) {
                    s.execute("SCRIPT TO '" + script + "'");
                }
                h2Schema = script;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                shutdownH2(migrated.url());
            }
        }
        return h2Schema;
    }

    private static void shutdownH2(String url) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        } catch (SQLException ignored) {
            // already gone
        }
    }

    private static Postgres postgres() throws SQLException {
        if (postgres == null) {
            synchronized (Databases.class) {
                if (postgres == null) {
                    postgres = Postgres.create();
                    // Dropped when the JVM ends, not with JUnit's root context: a JVM that Surefire
                    // hands test classes one by one starts and ends a root context for each of them.
                    Postgres created = postgres;
                    Runtime.getRuntime().addShutdownHook(new Thread(created::dropQuietly, "vectis-test-db-drop"));
                }
            }
        }
        if (postgres.unavailable != null) {
            if (Postgres.required()) {
                throw new IllegalStateException("VECTIS_TEST_POSTGRES=require but " + postgres.unavailable);
            }
            Assumptions.abort("PostgreSQL run skipped: " + postgres.unavailable);
        }
        return postgres;
    }

    /** The run's PostgreSQL database, or why there is none. */
    private static final class Postgres {
        final String adminUrl = env("VECTIS_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        final String user = env("VECTIS_TEST_POSTGRES_USER", "postgres");
        final String password = System.getenv("VECTIS_TEST_POSTGRES_PASSWORD");
        final String name = "vectis_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String unavailable;
        TestDatabase database;
        PostgresTurns turns;

        static boolean required() {
            return "require".equalsIgnoreCase(System.getenv("VECTIS_TEST_POSTGRES"));
        }

        static Postgres create() throws SQLException {
            Postgres pg = new Postgres();
            try (Connection c = DriverManager.getConnection(pg.adminUrl, pg.user, pg.password);
                 Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + pg.name);
            } catch (SQLException e) {
                pg.unavailable = "cannot reach PostgreSQL at " + pg.adminUrl + ": " + e.getMessage();
                System.err.println("*** " + pg.unavailable.toUpperCase(Locale.ROOT).charAt(0) + pg.unavailable.substring(1)
                        + " -- PostgreSQL test runs are SKIPPED (set VECTIS_TEST_POSTGRES=require to fail instead)");
                return pg;
            }
            String url = pg.adminUrl.replaceFirst("/[^/?]*(\\?|$)", "/" + pg.name + "$1");
            pg.database = new TestDatabase("postgresql", url, pg.user, pg.password);
            pg.database.open().close();
            pg.turns = new PostgresTurns(pg.adminUrl, pg.user, pg.password);
            return pg;
        }

        /** This JVM's turn at the server ({@code alone}: no other JVM's test meanwhile), on an empty database. */
        TestDatabase begin(boolean alone) throws SQLException {
            turns.take(alone);
            return clean();
        }

        /**
         * Empties the tables the last test wrote to (TRUNCATE costs about the same for an empty
         * table as for a full one, and most tests touch a few) and restarts every sequence it used.
         */
        TestDatabase clean() throws SQLException {
            try (Connection c = DriverManager.getConnection(database.url(), user, password);
                 Statement s = c.createStatement()) {
                List<String> tables = strings(s, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                        + "AND tablename <> 'flyway_schema_history'");
                String nonEmpty = tables.stream().map(t -> "SELECT '" + t + "' WHERE EXISTS (SELECT 1 FROM " + t + ")")
                        .collect(Collectors.joining(" UNION ALL "));
                List<String> written = tables.isEmpty() ? List.of() : strings(s, nonEmpty);
                if (!written.isEmpty()) {
                    s.execute("TRUNCATE " + String.join(", ", written) + " RESTART IDENTITY CASCADE");
                }
                // A rolled-back insert moves a sequence on and leaves its table empty.
                for (String sequence : strings(s, "SELECT sequencename FROM pg_sequences "
                        + "WHERE schemaname = 'public' AND last_value IS NOT NULL")) {
                    s.execute("ALTER SEQUENCE " + sequence + " RESTART");
                }
            }
            return database;
        }

        private static List<String> strings(Statement s, String sql) throws SQLException {
            List<String> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }

        void dropQuietly() {
            if (database == null) {
                return;
            }
            try (Connection c = DriverManager.getConnection(adminUrl, user, password);
                 Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (SQLException e) {
                System.err.println("*** Could not drop the test database " + name + ": " + e.getMessage());
            }
        }

        private static String env(String name, String fallback) {
            String value = System.getenv(name);
            return value == null || value.isBlank() ? fallback : value;
        }
    }
}
