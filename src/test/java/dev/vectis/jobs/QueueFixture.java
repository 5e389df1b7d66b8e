package dev.vectis.jobs;

import dev.vectis.db.Database;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestDatabase;
import dev.vectis.workers.ExecutorRegistration;
import dev.vectis.workers.WorkerRegistry;
import java.time.Duration;

/** The queue's services on one test database, with a clock the test moves. */
final class QueueFixture implements AutoCloseable {

    static final Duration OFFLINE_AFTER = Duration.ofSeconds(30);

    final MutableClock clock = new MutableClock();
    final Database database;
    final JobEvents events;
    final WorkerRegistry workers;
    final JobQueue queue;
    final JobResults results;
    final JobReaper reaper;

    QueueFixture(TestDatabase db, long outputCap) {
        database = db.open();
        events = new JobEvents(new dev.vectis.events.EventLog(database.jdbi(), clock), database.dialect());
        workers = new WorkerRegistry(database.jdbi(), clock, OFFLINE_AFTER);
        queue = new JobQueue(database.jdbi(), database.dialect(), clock, events, Duration.ofHours(1));
        results = new JobResults(database.jdbi(), clock, events, outputCap);
        reaper = new JobReaper(database.jdbi(), clock, events);
    }

    QueueFixture(TestDatabase db) {
        this(db, 4L << 20);
    }

    static final String ADDRESS = "192.0.2.1";

    void worker(String id, int maxJobs) {
        worker(id, maxJobs, ADDRESS);
    }

    /** A worker registered from {@code address}, as the command-executor contract's register call does. */
    void worker(String id, int maxJobs, String address) {
        workers.registerExecutor(new ExecutorRegistration(id, id + ".local", "linux", 2, "1.0", maxJobs, address));
    }

    Job job(String command, Integer maxAttempts, Integer timeoutSeconds) {
        return queue.create(new NewJob(command, "/uploads/x.zip", "x.zip", maxAttempts, timeoutSeconds));
    }

    /** Lets the offline window pass since start-up and runs one sweep. */
    int sweepAfter(Duration silence) {
        clock.advance(silence);
        int marked = workers.sweep(reaper);
        reaper.expireOverdue();
        return marked;
    }

    @Override
    public void close() {
        database.close();
    }
}
