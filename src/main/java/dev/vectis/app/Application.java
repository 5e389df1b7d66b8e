package dev.vectis.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.api.docs.DocsApi;
import dev.vectis.api.docs.OpenApiDocuments;
import dev.vectis.api.executor.ExecutorApi;
import dev.vectis.api.fleet.FleetApi;
import dev.vectis.api.gateway.GatewayApi;
import dev.vectis.api.health.HealthApi;
import dev.vectis.api.marketplace.MarketplaceApi;
import dev.vectis.api.console.ConsoleFiles;
import dev.vectis.api.operator.AccessApi;
import dev.vectis.api.operator.ConsoleApi;
import dev.vectis.api.operator.LabelsApi;
import dev.vectis.api.operator.FleetViewApi;
import dev.vectis.api.provider.ProviderApi;
import dev.vectis.audit.AuditLog;
import dev.vectis.auth.StreamTickets;
import dev.vectis.auth.TokenRevocations;
import dev.vectis.auth.Tokens;
import dev.vectis.auth.AdminCredential;
import dev.vectis.auth.Credentials;
import dev.vectis.auth.Jwt;
import dev.vectis.auth.JwtKey;
import dev.vectis.auth.NamedTokens;
import dev.vectis.config.BuildInfo;
import dev.vectis.config.RatePolicy;
import dev.vectis.config.Settings;
import dev.vectis.db.Database;
import dev.vectis.db.SingletonLocks;
import dev.vectis.events.Feed;
import dev.vectis.events.FeedReader;
import dev.vectis.http.CallerIdentities;
import dev.vectis.http.Callers;
import dev.vectis.http.ClientAddress;
import dev.vectis.http.ContractApi;
import dev.vectis.http.ErrorRenderer;
import dev.vectis.http.HouseErrors;
import dev.vectis.http.HttpServer;
import dev.vectis.http.Json;
import dev.vectis.http.JsonBody;
import dev.vectis.http.RateLimiter;
import dev.vectis.http.SharedBuckets;
import dev.vectis.http.StreamLimits;
import dev.vectis.http.Streams;
import dev.vectis.http.WorkerSignatures;
import dev.vectis.metrics.FleetHistory;
import dev.vectis.nodes.NodeRegistry;
import dev.vectis.providers.ProviderServices;
import dev.vectis.workers.Departures;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where Vectis's objects are created and wired, and where they are stopped. */
public final class Application implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Application.class);

    /** Heartbeats are written at most this often, however many workers there are. */
    static final Duration HEARTBEAT_FLUSH = Duration.ofMillis(250);
    static final Duration SWEEP = Duration.ofSeconds(1);
    /** The overview's queue chart: one point a minute, each node its own (metrics/FleetHistory). */
    static final Duration FLEET_SAMPLE = Duration.ofMinutes(1);
    static final Duration RETENTION = Duration.ofMinutes(10);
    /** How often a node asks for the retention lock: another takes pruning over this soon after its holder dies. */
    static final Duration RETENTION_TURN = Duration.ofSeconds(5);
    static final Duration VPS_TICK = Duration.ofSeconds(2);
    /** How soon event streams see what other nodes wrote when nothing woke the reader (H2, or no notification came). */
    static final Duration STREAM_TICK = Duration.ofSeconds(1);
    private static final Duration STREAM_GAP = Duration.ofMillis(5);

    private final Database database;
    private final HttpServer http;
    private final JvmGcMetrics gcMetrics;
    private final AdminCredential admin;
    private final JwtKey jwtKey;
    private final Features features;
    private final List<BackgroundLoop> loops;
    private final Streams streams;
    private final CrossNode crossNode;
    private final ThisNode node;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** This node among the others: the loops it runs alone, and its row in the nodes table. */
    private record ThisNode(SingletonLocks locks, NodeRegistry registry) {
    }

    private Application(Database database, HttpServer http, JvmGcMetrics gcMetrics, AdminCredential admin,
                        JwtKey jwtKey, Features features, List<BackgroundLoop> loops, Streams streams,
                        CrossNode crossNode, ThisNode node) {
        this.database = database;
        this.http = http;
        this.gcMetrics = gcMetrics;
        this.admin = admin;
        this.jwtKey = jwtKey;
        this.features = features;
        this.loops = loops;
        this.streams = streams;
        this.crossNode = crossNode;
        this.node = node;
    }

    public static Application start(Settings settings, PrintStream console, Clock clock) {
        try {
            Files.createDirectories(settings.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data_dir " + settings.dataDir(), e);
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);

        Database database = Database.open(settings.database(), settings.dataDir(), registry);
        try {
            database.migrate();
            AdminCredential admin = AdminCredential.resolve(settings.adminToken(), database.jdbi(), console);
            JwtKey jwtKey = JwtKey.resolve(settings.jwt().secret(), settings.jwt().previousSecrets(),
                    settings.dataDir());
            Jwt jwt = new Jwt(jwtKey, "vectis", clock);
            ObjectMapper mapper = Json.mapper();
            NamedTokens tokens = new NamedTokens(database.jdbi(), clock);
            Credentials credentials = new Credentials(admin, settings.workerTokens(), tokens::find);
            Features features = Features.create(settings, database, clock, jwt,
                    session -> MarketplaceApi.render(mapper, session));
            WorkerSignatures signatures = new WorkerSignatures(features.secrets(), clock);
            Callers callers = new Callers(credentials, signatures, new StreamTickets(database.jdbi(), clock));
            ProviderServices providers = ProviderServices.create(database.jdbi(), clock, features.events(),
                    jwt, settings);

            SingletonLocks locks = SingletonLocks.of(database);
            ThisNode node = new ThisNode(locks,
                    new NodeRegistry(database.jdbi(), clock, BuildInfo.version(), locks::held));
            ClientAddress clients = new ClientAddress(settings.server().trustedProxies());
            Streams streams = new Streams(new FeedReader(), new StreamLimits(settings.streams(), clients, registry));
            HealthApi health = new HealthApi(database, registry, BuildInfo.version(), clock,
                    settings.metricsToken().map(t -> Tokens.sha256Hex(t.reveal())));
            AtomicReference<List<BackgroundLoop>> started = new AtomicReference<>(List.of());
            FleetHistory fleetHistory = new FleetHistory(database.jdbi(), clock);
            List<ContractApi> apis = List.of(
                    health,
                    new FleetApi(credentials, new JsonBody(mapper), features.enrolments(), features.workers().pace()),
                    new GatewayApi(callers, mapper, new GatewayApi.Services(features.workers(), features.chatSessions(),
                            features.metrics(), features.commands(), features.gatewayEvents(), features.reaper(),
                            features.events()), streams, clock),
                    new ExecutorApi(settings.executor(), callers, clients, mapper, features.workers(), features.jobs(),
                            features.results(), features.reaper(), features.bundles(), features.direct(), streams,
                            new Departures(database.jdbi(), clock, features.events(), features.reaper()::workerLeft)),
                    new ProviderApi(providers, callers, new JsonBody(mapper), health.healthAs("provider-registry")),
                    new MarketplaceApi(callers, mapper, features.users(), features.ledger(), features.marketWorkers(),
                            features.products(), features.vpsSessions(), streams, node.registry()),
                    new AccessApi(callers, new JsonBody(mapper), tokens, new AuditLog(database.jdbi(), clock), clock),
                    new LabelsApi(callers, new JsonBody(mapper), features.workers().labels(), features.events()),
                    new FleetViewApi(callers, mapper, features.fleet(), features.events()),
                    new ConsoleApi(callers, new JsonBody(mapper), database.jdbi(), clock, () -> loopsHealth(started),
                            fleetHistory),
                    new ConsoleFiles(),
                    new DocsApi(new OpenApiDocuments(mapper), mapper));
            ErrorRenderer errors = new ErrorRenderer(apis, new HouseErrors(), clock);
            HttpServer http = new HttpServer(settings.server(), settings.executor().maxUploadBytes(), mapper, registry,
                    apis, errors, new RateLimiter(settings.rateLimit(), clock,
                            callerIdentities(credentials, signatures, features, providers, clock),
                            SharedBuckets.of(database, clock)));
            BackgroundLoop reader = streamReader(streams.reader(), features, registry);
            CrossNode crossNode = CrossNode.start(database, features, tokens, reader, registry);
            Runnable prune = BackgroundLoop.atMostEvery(RETENTION, () -> {
                features.metrics().prune();
                features.idempotencyKeys().prune();
                database.jdbi().useHandle(h -> TokenRevocations.prune(h, clock.millis()));
                new StreamTickets(database.jdbi(), clock).prune();
                features.events().prune(settings.eventsRetention());
            });
            List<BackgroundLoop> loops = List.of(
                    new BackgroundLoop("heartbeat-flusher", HEARTBEAT_FLUSH, () -> {
                        features.workers().flush();
                        features.metrics().flush();
                    }).start(),
                    new BackgroundLoop("retention", RETENTION_TURN, locks.guard("retention", prune)).start(),
                    new BackgroundLoop("vps-sessions", VPS_TICK, locks.guard("vps-sessions",
                            features.vpsSessions()::tick)).start(),
                    new BackgroundLoop("node-heartbeat", NodeRegistry.BEAT, node.registry()::beat).start(),
                    new BackgroundLoop("fleet-history", FLEET_SAMPLE, fleetHistory::sample).start(),
                    reader,
                    new BackgroundLoop("liveness-sweeper", SWEEP,
                            locks.guard("liveness-sweeper", features.liveness())).start());
            started.set(loops);
            Metrics.bind(registry, database.jdbi(), clock, features, loops);
            try {
                http.start();
            } catch (RuntimeException e) {
                loops.forEach(l -> l.stop(Duration.ofSeconds(5)));
                crossNode.close();
                locks.close();
                throw e;
            }
            node.registry().join(http.port());
            if (settings.executor().auth() == Settings.ExecutorAuth.NONE) {
                LOG.warn("executor.auth is none: the command-executor endpoints accept calls without any token");
            }
            return new Application(database, http, gc, admin, jwtKey, features, loops, streams, crossNode, node);
        } catch (RuntimeException e) {
            database.close();
            gc.close();
            throw e;
        }
    }

    /** One reader of the stored logs for every event stream on this node, woken by what any node writes. */
    private static BackgroundLoop streamReader(FeedReader reader, Features features, MeterRegistry registry) {
        for (Feed feed : reader.feeds()) {
            FunctionCounter.builder("vectis.stream.reader.polls", feed, Feed::reads).tag("feed", feed.name())
                    .description("Reads of a streamed log by this node's one reader").register(registry);
        }
        FunctionCounter.builder("vectis.streams.dropped", reader,
                        r -> r.feeds().stream().mapToLong(Feed::dropped).sum())
                .description("Event streams ended because their client fell too far behind").register(registry);
        // A busy node appends hundreds of events a second: one read per few milliseconds serves them all.
        BackgroundLoop loop = new BackgroundLoop("stream-reader", STREAM_TICK, reader::poll).coalescing(STREAM_GAP);
        features.events().appended().onFire(loop::wake);
        features.jobs().events().changed().onFire(loop::wake);
        return loop.start();
    }

    private static List<ConsoleApi.LoopHealth> loopsHealth(AtomicReference<List<BackgroundLoop>> loops) {
        return loops.get().stream()
                .map(l -> new ConsoleApi.LoopHealth(l.name(), l.lastSuccessMillis(), l.failures())).toList();
    }

    /** What the rate limiter can tell about a caller before a handler runs; see CallerIdentities. */
    private static CallerIdentities callerIdentities(Credentials credentials, WorkerSignatures signatures,
                                                     Features features, ProviderServices providers, Clock clock) {
        return new CallerIdentities(credentials::principalOfSha256, signatures::verify,
                List.of(new CallerIdentities.BearerCheck(RatePolicy.MARKETPLACE_USER, features.users()::tokenSubject),
                        new CallerIdentities.BearerCheck(RatePolicy.PROVIDER_TOKEN, providers.sessions()::tokenSubject)),
                new CallerIdentities.BearerCheck(RatePolicy.MARKETPLACE_USER, features.users()::authenticate), clock);
    }

    public int port() {
        return http.port();
    }

    /** Every HTTP route served, as "METHOD /path". */
    public List<String> routes() {
        return http.routes();
    }

    public AdminCredential admin() {
        return admin;
    }

    public JwtKey jwtKey() {
        return jwtKey;
    }

    public Database database() {
        return database;
    }

    public Features features() {
        return features;
    }

    /**
     * Makes the named background loop run this often unless woken: rarely, so that a test can tell
     * a run that news woke (a write here, a notification from another node) from its tick; or
     * often, so that a test does not wait out a pace chosen for production.
     */
    public void stretchLoop(String name, Duration interval) {
        loops.stream().filter(l -> l.name().equals(name)).forEach(l -> l.interval(interval));
    }

    /**
     * Long polls and streams are answered first (clients go to another node), then HTTP drains
     * in-flight requests, then background work stops, this node lets its loops go to other
     * nodes and leaves the nodes table, and the pool closes.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("Stopping");
        streams.reader().close();
        features.jobs().events().close();
        features.events().close();
        try {
            http.stop();
        } finally {
            loops.forEach(l -> l.stop(Duration.ofSeconds(5)));
            crossNode.close();
            features.vpsSessions().close();
            try {
                features.workers().flush();
                features.metrics().flush();
            } catch (RuntimeException e) {
                LOG.warn("Could not write the last heartbeats: {}", e.getMessage());
            }
            node.locks().close();
            try {
                node.registry().leave();
            } catch (RuntimeException e) {
                LOG.warn("Could not remove this node's row; other nodes remove it within {}s: {}",
                        NodeRegistry.GONE_AFTER.toSeconds(), e.getMessage());
            }
            database.close();
            gcMetrics.close();
            LOG.info("Stopped");
        }
    }
}
