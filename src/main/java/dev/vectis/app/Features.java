package dev.vectis.app;

import dev.vectis.auth.SecretBox;
import dev.vectis.config.Settings;
import dev.vectis.db.Database;
import dev.vectis.jobs.Bundles;
import dev.vectis.jobs.DirectExecutor;
import dev.vectis.jobs.JobEvents;
import dev.vectis.jobs.JobQueue;
import dev.vectis.jobs.JobReaper;
import dev.vectis.jobs.JobResults;
import dev.vectis.workers.FleetEnrolments;
import dev.vectis.workers.WorkerRegistry;
import dev.vectis.workers.WorkerSecrets;
import java.time.Clock;

/** The feature services, created once and shared by every contract. */
public record Features(WorkerRegistry workers, FleetEnrolments enrolments, WorkerSecrets secrets, JobQueue jobs,
                       JobResults results, JobReaper reaper, Bundles bundles, DirectExecutor direct) {

    static Features create(Settings settings, Database database, Clock clock) {
        Settings.Executor executor = settings.executor();
        WorkerRegistry workers = new WorkerRegistry(database.jdbi(), database.dialect(), clock,
                settings.heartbeat().offlineAfter());
        JobEvents events = new JobEvents();
        SecretBox box = SecretBox.open(settings.dataDir());
        return new Features(
                workers,
                new FleetEnrolments(database.jdbi(), clock, box, settings.fleet().domain()),
                new WorkerSecrets(database.jdbi(), box, clock),
                new JobQueue(database.jdbi(), clock, events, executor.jobTimeout()),
                new JobResults(database.jdbi(), clock, events, executor.outputCapBytes()),
                new JobReaper(database.jdbi(), clock, events),
                new Bundles(settings.dataDir().resolve("uploads"), executor.maxUploadBytes()),
                new DirectExecutor(settings.dataDir().resolve("exec"), executor.directTimeout(),
                        executor.outputCapBytes()));
    }
}
