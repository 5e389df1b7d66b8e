package dev.vectis.jobs;

import dev.vectis.workers.Fleet;
import dev.vectis.workers.WorkerEvents;
import dev.vectis.workers.WorkerRegistry;

/**
 * One turn of the liveness sweeper: workers silent too long go offline (their running jobs
 * are handed back and the operator stream hears of it in the same transaction), overdue jobs
 * expire, and fleet state changes whose time has come are settled.
 */
public final class LivenessSweep implements Runnable {

    private final WorkerRegistry workers;
    private final WorkerEvents events;
    private final JobReaper reaper;
    private final Fleet fleet;

    public LivenessSweep(WorkerRegistry workers, WorkerEvents events, JobReaper reaper, Fleet fleet) {
        this.workers = workers;
        this.events = events;
        this.reaper = reaper;
        this.fleet = fleet;
    }

    @Override
    public void run() {
        workers.sweep((h, id, now) -> {
            reaper.workerOffline(h, id, now);
            events.offline(h, id, now);
        });
        reaper.expireOverdue();
        fleet.settle();
    }
}
