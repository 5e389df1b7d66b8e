package dev.vectis.testing;

import dev.vectis.db.Database;
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
 * test. PostgreSQL gets one database per test run, created and migrated on first use,
 * emptied before each test and dropped when the run ends.
 *
 * <p>PostgreSQL comes from VECTIS_TEST_POSTGRES_URL (default
 * jdbc:postgresql://127.0.0.1:5432/test, user postgres). If it cannot be reached the
 * PostgreSQL runs are skipped with a visible line, unless VECTIS_TEST_POSTGRES=require.
 */
public final class Databases implements TestTemplateInvocationContextProvider {

    private static final AtomicInteger H2_COUNTER = new AtomicInteger();
    private static volatile Postgres postgres;

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
                BeforeEachCallback setUp = ctx -> database = engine.equals("h2") ? newH2() : postgres(ctx).clean();
                AfterEachCallback tearDown = ctx -> {
                    if (database != null && !database.isPostgres()) {
                        shutdownH2(database.url());
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

    private static TestDatabase newH2() {
        String url = "jdbc:h2:mem:vectis_test_" + H2_COUNTER.incrementAndGet() + ";" + Database.H2_MODE
                + ";DB_CLOSE_DELAY=-1";
        TestDatabase db = new TestDatabase("h2", url, null, null);
        db.open().close();
        return db;
    }

    private static void shutdownH2(String url) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        } catch (SQLException ignored) {
            // already gone
        }
    }

    private static Postgres postgres(ExtensionContext ctx) {
        if (postgres == null) {
            synchronized (Databases.class) {
                if (postgres == null) {
                    postgres = Postgres.create();
                    ctx.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                            .put(Postgres.class, (AutoCloseable) postgres::drop);
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

        static boolean required() {
            return "require".equalsIgnoreCase(System.getenv("VECTIS_TEST_POSTGRES"));
        }

        static Postgres create() {
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
            return pg;
        }

        TestDatabase clean() throws SQLException {
            try (Connection c = DriverManager.getConnection(database.url(), user, password);
                 Statement s = c.createStatement()) {
                List<String> tables = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                        + "AND tablename <> 'flyway_schema_history'")) {
                    while (rs.next()) {
                        tables.add(rs.getString(1));
                    }
                }
                if (!tables.isEmpty()) {
                    s.execute("TRUNCATE " + String.join(", ", tables) + " RESTART IDENTITY CASCADE");
                }
            }
            return database;
        }

        void drop() throws SQLException {
            if (database == null) {
                return;
            }
            try (Connection c = DriverManager.getConnection(adminUrl, user, password);
                 Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        }

        private static String env(String name, String fallback) {
            String value = System.getenv(name);
            return value == null || value.isBlank() ? fallback : value;
        }
    }
}
