package dev.vectis.app;

import dev.vectis.auth.Jwt;
import dev.vectis.auth.Passwords;
import dev.vectis.auth.SecretBox;
import dev.vectis.billing.IdempotencyKeys;
import dev.vectis.billing.Ledger;
import dev.vectis.billing.Products;
import dev.vectis.billing.Users;
import dev.vectis.config.Settings;
import dev.vectis.db.Database;
import dev.vectis.events.EventLog;
import dev.vectis.events.NewEvent;
import dev.vectis.jobs.Bundles;
import dev.vectis.jobs.DirectExecutor;
import dev.vectis.jobs.JobEvents;
import dev.vectis.jobs.JobQueue;
import dev.vectis.jobs.JobReaper;
import dev.vectis.jobs.JobResults;
import dev.vectis.jobs.LivenessSweep;
import dev.vectis.sessions.ChatSessions;
import dev.vectis.sessions.GatewayEvents;
import dev.vectis.sessions.ProvisionRules;
import dev.vectis.sessions.SessionEvents;
import dev.vectis.sessions.VmClient;
import dev.vectis.sessions.VpsSession;
import dev.vectis.sessions.VpsSessions;
import dev.vectis.sessions.WorkerBreakers;
import dev.vectis.workers.Fleet;
import dev.vectis.workers.FleetEnrolments;
import dev.vectis.workers.MarketplaceWorkers;
import dev.vectis.workers.Pace;
import dev.vectis.workers.WorkerCommands;
import dev.vectis.workers.WorkerEvents;
import dev.vectis.workers.WorkerMetrics;
import dev.vectis.workers.WorkerRegistry;
import dev.vectis.workers.WorkerSecrets;
import io.javalin.util.ConcurrencyUtil;
import io.javalin.util.NamedVirtualThreadFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

/** The feature services, created once and shared by every contract. */
public record Features(EventLog events, WorkerRegistry workers, FleetEnrolments enrolments, WorkerSecrets secrets,
                       WorkerMetrics metrics, WorkerCommands commands, ChatSessions chatSessions,
                       GatewayEvents gatewayEvents, JobQueue jobs, JobResults results, JobReaper reaper,
                       Bundles bundles, DirectExecutor direct, Users users, Ledger ledger,
                       MarketplaceWorkers marketWorkers, Products products, IdempotencyKeys idempotencyKeys,
                       VpsSessions vpsSessions, Fleet fleet,
                       LivenessSweep liveness) {

    /** bcrypt cost for user passwords: ~50 ms a check, enough against offline guessing of a leaked hash. */
    static final int PASSWORD_COST = 10;

    static Features create(Settings settings, Database database, Clock clock, Jwt jwt,
                           Function<VpsSession, String> renderSession) {
        Settings.Executor executor = settings.executor();
        Settings.Heartbeat heartbeat = settings.heartbeat();
        Pace pace = heartbeat.interval().map(i -> new Pace(i, heartbeat.offlineAfter()))
                .orElseGet(() -> Pace.forWindow(heartbeat.offlineAfter()));
        WorkerRegistry workers = new WorkerRegistry(database.jdbi(), clock, pace, heartbeat.silenceHold());
        EventLog log = new EventLog(database.jdbi(), clock);
        workers.onSilence(alert -> log.append(NewEvent.of(alert.type(), "liveness", null, alert.data())));
        JobEvents events = new JobEvents(log, database.dialect());
        WorkerEvents workerEvents = new WorkerEvents(log);
        workers.onRegistered(workerEvents::registered);
        ChatSessions chatSessions = new ChatSessions(database.jdbi());
        SecretBox box = SecretBox.open(settings.dataDir());
        WorkerCommands commands = new WorkerCommands(database.jdbi(), clock);
        WorkerSecrets secrets = new WorkerSecrets(database.jdbi(), box, clock);
        MarketplaceWorkers marketWorkers = new MarketplaceWorkers(database.jdbi(), clock, workerEvents);
        IdempotencyKeys keys = new IdempotencyKeys(database.jdbi(), clock);
        Settings.Marketplace market = settings.marketplace();
        Products products = new Products(database.jdbi(), clock, marketWorkers, defaultRules(market));
        JobReaper reaper = new JobReaper(database.jdbi(), clock, events);
        Fleet fleet = new Fleet(database.jdbi(), clock, workerEvents, chatSessions.endedStates(), events::wakeEveryPoll);
        return new Features(
                log,
                workers,
                new FleetEnrolments(database.jdbi(), clock, box, settings.fleet().domain(), workerEvents),
                secrets,
                new WorkerMetrics(database.jdbi(), clock, settings.metricsRetention()),
                commands,
                chatSessions,
                new GatewayEvents(database.jdbi(), clock, log, workers, commands),
                new JobQueue(database.jdbi(), database.dialect(), clock, events, executor.jobTimeout()),
                new JobResults(database.jdbi(), clock, events, executor.outputCapBytes()),
                reaper,
                new Bundles(settings.dataDir().resolve("uploads"), executor.maxUploadBytes()),
                new DirectExecutor(settings.dataDir().resolve("exec"), executor.directTimeout(),
                        executor.outputCapBytes()),
                new Users(database.jdbi(), clock, new Passwords(PASSWORD_COST), jwt,
                        Duration.ofHours(settings.jwt().expiryHours())),
                new Ledger(database.jdbi(), clock, keys, log),
                marketWorkers,
                products,
                keys,
                new VpsSessions(database.jdbi(), database.background(), clock,
                        new VmClient(secrets, clock, market.workerTimeout(),
                                new WorkerBreakers(clock, market.breakerFailures(), market.breakerOpen(), log)),
                        new SessionEvents(database.jdbi(), log), log, keys, products,
                        new VpsSessions.WorkerCalls(market.workerTimeout(), market.stopRetryMax(),
                                market.callsPerWorker(), market.callsInAll(), market.failureQuiet(),
                                ConcurrencyUtil.isLoomAvailable() ? new NamedVirtualThreadFactory("vectis-worker-call")
                                        : null), renderSession),
                fleet,
                new LivenessSweep(workers, workerEvents, reaper, fleet));
    }

    /** The log rules of products that set none of their own. */
    static ProvisionRules defaultRules(Settings.Marketplace market) {
        return new ProvisionRules(market.readyPatterns(), market.failurePatterns(), market.redactPatterns(),
                market.onProvisionTimeout(), (int) market.provisionTimeout().toSeconds());
    }
}
