package dev.vectis.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.vectis.config.Secret;
import dev.vectis.config.Settings;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionHandler;

/** The connection pool, the schema migrations and the Jdbi handle on top of them. */
public final class Database implements AutoCloseable {

    private final HikariDataSource dataSource;
    private final Dialect dialect;
    private final Jdbi jdbi;
    private final Jdbi background;
    private final PoolShare share;
    private final AtomicLong retries = new AtomicLong();
    private final Set<Connection> dedicated = ConcurrentHashMap.newKeySet();

    private Database(HikariDataSource dataSource, Dialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        OpenTransactions open = new OpenTransactions();
        this.jdbi = configure(Jdbi.create(dataSource), open);
        this.share = new PoolShare(dataSource, PoolShare.of(dataSource.getMaximumPoolSize()),
                Duration.ofMillis(dataSource.getConnectionTimeout()));
        this.background = configure(Jdbi.create(share), open);
    }

    private Jdbi configure(Jdbi j, OpenTransactions open) {
        TransactionHandler local = j.getTransactionHandler();
        // Every transaction of every feature: a lost deadlock is retried here, never shown to a client.
        // On H2 each one is also counted while open, which PostgreSQL tells streams by itself.
        j.setTransactionHandler(new RetryingTransactions(dialect == Dialect.H2 ? open.counting(local) : local,
                retries));
        j.getConfig(Horizon.Config.class).use(dialect, open);
        return j;
    }

    /** Opens the pool; fails fast with a readable message when the database cannot be reached. */
    public static Database open(Settings.Database settings, Path dataDir, MeterRegistry registry) {
        boolean embedded = settings.url().isEmpty();
        String url = settings.url().orElseGet(() -> embeddedUrl(dataDir));
        HikariConfig config = new HikariConfig();
        config.setPoolName("vectis-db");
        config.setJdbcUrl(url);
        settings.user().ifPresent(config::setUsername);
        settings.password().map(Secret::reveal).ifPresent(config::setPassword);
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(Math.min(2, settings.poolSize()));
        config.setConnectionTimeout(Duration.ofSeconds(10).toMillis());
        // A server's database may still be starting; the embedded one is there at once or held by
        // another process, which H2 itself already waits a few seconds for.
        config.setInitializationFailTimeout(embedded ? 1 : Duration.ofSeconds(10).toMillis());
        if (registry != null) {
            config.setMetricRegistry(registry);
        }
        try {
            Database database = new Database(new HikariDataSource(config), Dialect.of(url));
            if (registry != null) {
                FunctionCounter.builder("vectis.db.transaction.retries", database, Database::retries)
                        .description("Transactions run again after losing a deadlock or serialization race")
                        .register(registry);
            }
            return database;
        } catch (HikariPool.PoolInitializationException e) {
            if (embedded && EmbeddedLock.heldElsewhere(e)) {
                throw new DatabaseUnavailableException(EmbeddedLock.message(dataDir));
            }
            throw new DatabaseUnavailableException(describe(url, e));
        }
    }

    /** H2 in PostgreSQL mode, so one set of migrations and queries serves both. */
    public static String embeddedUrl(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("vectis") + ";" + H2_MODE;
    }

    public static final String H2_MODE = "MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";

    public void migrate() {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /**
     * The same database for background work that comes in bursts: it holds at most
     * {@link #backgroundShare()} of the pool's connections at once, so requests keep the rest.
     */
    public Jdbi background() {
        return background;
    }

    /** How many of the pool's connections {@link #background()} may hold at once: a quarter, at least one. */
    public int backgroundShare() {
        return share.size();
    }

    public Dialect dialect() {
        return dialect;
    }

    /** How many times a transaction was run again after losing a race, since the pool opened. */
    public long retries() {
        return retries.get();
    }

    /** The pool, for a library that speaks JDBC rather than Jdbi. */
    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * A connection of its own, outside the pool, with the pool's address and credentials plus
     * {@code extra} driver properties: for a session that stays open for the node's lifetime
     * (LISTEN, advisory locks held across a loop's turns), which would otherwise hold a pooled
     * connection forever. The caller closes it; closing the database drops it too, as the end
     * of the process would.
     */
    public Connection openDedicated(Properties extra) throws SQLException {
        if (dataSource.isClosed()) {
            throw new SQLException("the database has been closed");
        }
        dedicated.removeIf(Database::closed);
        Properties properties = new Properties();
        if (dataSource.getUsername() != null) {
            properties.setProperty("user", dataSource.getUsername());
        }
        if (dataSource.getPassword() != null) {
            properties.setProperty("password", dataSource.getPassword());
        }
        properties.putAll(extra);
        Connection c = DriverManager.getConnection(dataSource.getJdbcUrl(), properties);
        dedicated.add(c);
        return c;
    }

    /** A round trip to the database within the timeout; the failure's text when there is one. */
    public String ping(Duration timeout) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
            s.execute("SELECT 1");
            return null;
        } catch (SQLException | RuntimeException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    @Override
    public void close() {
        dataSource.close();
        for (Connection c : dedicated) {
            try {
                c.abort(Runnable::run); // drops the socket at once, even under a statement that is waiting
            } catch (SQLException | RuntimeException ignored) {
                // gone already
            }
        }
        dedicated.clear();
    }

    private static boolean closed(Connection c) {
        try {
            return c.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    private static String describe(String url, Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String where = url.startsWith("jdbc:h2:") ? "the embedded database" : url.replaceAll("\\?.*", "");
        String why = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return "cannot open " + where + ": " + why.lines().findFirst().orElse(why);
    }
}
