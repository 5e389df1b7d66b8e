package dev.vectis.app;

import dev.vectis.auth.SecretBox;
import dev.vectis.config.Settings;
import dev.vectis.db.Database;
import dev.vectis.events.EventLog;
import dev.vectis.jobs.Bundles;
import dev.vectis.jobs.DirectExecutor;
import dev.vectis.jobs.JobEvents;
import dev.vectis.jobs.JobQueue;
import dev.vectis.jobs.JobReaper;
import dev.vectis.jobs.JobResults;
import dev.vectis.sessions.ChatSessions;
import dev.vectis.sessions.GatewayEvents;
import dev.vectis.workers.FleetEnrolments;
import dev.vectis.workers.WorkerCommands;
import dev.vectis.workers.WorkerMetrics;
import dev.vectis.workers.WorkerRegistry;
import dev.vectis.workers.WorkerSecrets;
import java.time.Clock;

/** The feature services, created once and shared by every contract. */
public record Features(EventLog events, WorkerRegistry workers, FleetEnrolments enrolments, WorkerSecrets secrets,
                       WorkerMetrics metrics, WorkerCommands commands, ChatSessions chatSessions,
                       GatewayEvents gatewayEvents, JobQueue jobs, JobResults results, JobReaper reaper,
                       Bundles bundles, DirectExecutor direct) {

    static Features create(Settings settings, Database database, Clock clock) {
        Settings.Executor executor = settings.executor();
        WorkerRegistry workers = new WorkerRegistry(database.jdbi(), database.dialect(), clock,
                settings.heartbeat().offlineAfter());
        EventLog log = new EventLog(database.jdbi(), clock);
        JobEvents events = new JobEvents(log);
        SecretBox box = SecretBox.open(settings.dataDir());
        WorkerCommands commands = new WorkerCommands(database.jdbi(), clock);
        return new Features(
                log,
                workers,
                new FleetEnrolments(database.jdbi(), clock, box, settings.fleet().domain()),
                new WorkerSecrets(database.jdbi(), box, clock),
                new WorkerMetrics(database.jdbi(), clock, settings.metricsRetention()),
                commands,
                new ChatSessions(database.jdbi()),
                new GatewayEvents(database.jdbi(), clock, log, workers, commands),
                new JobQueue(database.jdbi(), clock, events, executor.jobTimeout()),
                new JobResults(database.jdbi(), clock, events, executor.outputCapBytes()),
                new JobReaper(database.jdbi(), clock, events),
                new Bundles(settings.dataDir().resolve("uploads"), executor.maxUploadBytes()),
                new DirectExecutor(settings.dataDir().resolve("exec"), executor.directTimeout(),
                        executor.outputCapBytes()));
    }
}
