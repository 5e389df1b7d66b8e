package dev.vectis.workers;

import org.jdbi.v3.core.Handle;

/** Told, inside the transaction that marks it offline, that a worker has gone silent. */
@FunctionalInterface
public interface OfflineListener {

    void workerOffline(Handle handle, String workerId, long now);
}
