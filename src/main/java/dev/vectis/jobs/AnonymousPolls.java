package dev.vectis.jobs;

import dev.vectis.workers.WorkerState;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Polls that name no worker (the spec's agents poll that way). Such a poll can only be told
 * apart by its address, so the job goes to the one candidate worker last heard from there,
 * or, when several share the address, to nobody yet: it is running, held for that address,
 * until a report names the worker that has it.
 */
final class AnonymousPolls {

    /**
     * The workers such a poll may come from: registered through this contract, holding no
     * HMAC secret (a worker with one is acted for only with its signature), and not seen
     * naming itself on a poll since it registered (its polls say who it is).
     */
    private static final String CANDIDATE = "w.enrolled_via = 'executor' AND w.secret_sealed IS NULL "
            + "AND w.names_itself = FALSE";

    private record Candidate(String id, int maxJobs) {
    }

    private AnonymousPolls() {
    }

    /** Read without locks: whether a candidate at the address has room; {@link #place} decides under them. */
    static boolean hasRoom(Handle h, String address) {
        List<Candidate> candidates = candidatesAt(h, address);
        return !candidates.isEmpty() && candidates.stream().mapToInt(Candidate::maxJobs).sum() > runningAt(h, address);
    }

    /**
     * The one candidate at the address takes the job; several share it, so it is held for
     * the address; none, or no room left among them: nobody (the spec's "no idle workers").
     * The room is the candidates' maxJobs, less what they run and what is held for them.
     */
    static Optional<JobQueue.Taker> place(Handle h, String address) {
        List<Candidate> candidates = candidatesAt(h, address);
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        takeTurn(h, candidates.get(0).id());
        // Read again now that it is this poll's turn: what the previous one handed out counts.
        candidates = candidatesAt(h, address);
        int room = candidates.stream().mapToInt(Candidate::maxJobs).sum() - runningAt(h, address);
        if (room <= 0) {
            return Optional.empty();
        }
        return Optional.of(candidates.size() == 1 ? new JobQueue.Taker(candidates.get(0).id(), null)
                : new JobQueue.Taker(null, address));
    }

    /**
     * The online candidates last heard from this address that take work (not drained, disabled…),
     * with their limits, in id order.
     */
    private static List<Candidate> candidatesAt(Handle h, String address) {
        return h.createQuery("SELECT w.id, w.max_jobs FROM workers w WHERE " + CANDIDATE + " AND w.online = TRUE "
                        + "AND w.executor_ip = :address AND " + WorkerState.takesWork("w") + " ORDER BY w.id")
                .bind("address", address)
                .map((rs, ctx) -> new Candidate(rs.getString("id"), rs.getInt("max_jobs"))).list();
    }

    /**
     * Makes polls from one address take turns: each locks the same row, its first candidate's.
     * One row only, so a poll never holds one worker while waiting for another (the heartbeat
     * flush updates many at once, in no particular order).
     */
    private static void takeTurn(Handle h, String workerId) {
        h.createQuery("SELECT id FROM workers WHERE id = :id FOR UPDATE").bind("id", workerId)
                .mapTo(String.class).findOne();
    }

    /**
     * Jobs the candidates at this address are running: their own, and those still held for the
     * address. A candidate that takes no work counts neither its limit nor its jobs.
     */
    private static int runningAt(Handle h, String address) {
        return h.createQuery("SELECT COUNT(*) FROM jobs j WHERE j.status = 'running' AND (j.claim_address = :address "
                        + "AND j.worker_id IS NULL OR j.worker_id IN (SELECT w.id FROM workers w WHERE " + CANDIDATE
                        + " AND w.online = TRUE AND w.executor_ip = :address AND " + WorkerState.takesWork("w") + "))")
                .bind("address", address).mapTo(Integer.class).one();
    }

    /** Whether a report naming this worker may make a held job its own: a candidate at the address it was held for. */
    static boolean mayTake(Handle h, String workerId, String jobId) {
        return h.createQuery("SELECT COUNT(*) FROM workers w JOIN jobs j ON j.id = :job "
                        + "WHERE w.id = :id AND w.executor_ip = j.claim_address AND " + CANDIDATE)
                .bind("id", workerId).bind("job", jobId).mapTo(Integer.class).one() > 0;
    }

    /**
     * Held jobs nobody can still be running: of the candidates that were at their address
     * when the job was handed out, none is still online there (each went silent, or
     * registered again, i.e. restarted).
     */
    static List<String> orphans(Handle h) {
        return h.createQuery("SELECT j.id FROM jobs j WHERE j.status = 'running' AND j.worker_id IS NULL "
                        + "AND NOT EXISTS (SELECT 1 FROM workers w WHERE " + CANDIDATE + " AND w.online = TRUE "
                        + "AND w.executor_ip = j.claim_address AND w.registered_at <= j.started_at) ORDER BY j.seq")
                .mapTo(String.class).list();
    }
}
