package dev.vectis.jobs;

import dev.vectis.error.NotFoundException;
import dev.vectis.workers.WorkerState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * A named poll's claim on PostgreSQL in one round trip and one transaction: the same look,
 * lock and take as {@link JobQueue}'s three steps, sent as two statements behind one Sync, so
 * they run in one implicit transaction. The first looks without locks and locks the worker's
 * row only when the look says a job may be taken, noting that in a transaction-local setting;
 * the second, whose snapshot is taken after that lock, takes a job only when the setting says
 * so, counting the worker's running jobs as the lock's previous holders left them, so
 * max_jobs holds as it does under the three steps. A third marks a worker's first named poll.
 */
final class PgClaim {

    private static final String GATE = "current_setting('vectis.claim', true) = 'on'";

    private static final String LOOK_AND_LOCK = "SELECT look.*, set_config('vectis.claim', CASE WHEN look.left_at IS NOT NULL OR look.takes_work = 0 OR look.running >= look.max_jobs OR look.work = 0 "
            + "THEN 'off' WHEN EXISTS (SELECT 1 FROM workers l WHERE l.id = look.worker AND l.left_at IS NULL AND "
            + WorkerState.takesWork("l") + " FOR UPDATE) THEN 'on' ELSE 'off' END, true) = 'on' AS locked FROM ("
            + JobStore.LOOK_SQL + ") look";

    private static final String ROOM = JobStore.RUNNING + " < "
            + "(SELECT max_jobs FROM workers WHERE id = :w)";

    private static final String LABELLED = "EXISTS (SELECT 1 FROM worker_labels WHERE worker_id = :w)";

    /**
     * A worker without labels reads the index of unlabelled pending jobs, one with labels the
     * index of all pending jobs; the other branch's filter is constant, so it reads nothing.
     */
    private static final String TAKE = "WITH bare AS (" + JobStore.nextOf(JobStore.UNLABELLED + " AND " + GATE + " AND NOT "
            + LABELLED + " AND " + ROOM) + "), labelled AS (" + JobStore.nextOf(JobStore.TAKEABLE + " AND " + GATE + " AND "
            + LABELLED + " AND " + ROOM) + "), t AS (" + JobStore.START + "WHERE id = COALESCE((SELECT id FROM bare), "
            + "(SELECT id FROM labelled)) AND status = 'pending' RETURNING " + JobStore.COLUMNS + "), "
            + JobEvents.historyOf("t") + " SELECT " + JobStore.COLUMNS + " FROM t";

    /** From a worker's first named poll on, anonymous polls from its address are not taken for it. */
    private static final String NAMES_ITSELF = "UPDATE workers SET names_itself = TRUE WHERE id = :w AND NOT names_itself";

    static final String SQL = LOOK_AND_LOCK + ";\n" + TAKE + ";\n" + NAMES_ITSELF;

    private PgClaim() {
    }

    static Claim claim(Handle h, String workerId, long now) {
        return StatusData.bind(h.createQuery(SQL), Job.RUNNING, workerId, null, null, now)
                .bind("w", workerId).bind("address", (String) null).bind("now", now)
                .execute((statement, ctx) -> {
                    PreparedStatement ps = statement.get();
                    JobStore.Look look;
                    boolean locked;
                    try (ResultSet rs = ps.getResultSet()) {
                        if (!rs.next()) {
                            throw new NotFoundException("WORKER_NOT_FOUND", "Worker not found");
                        }
                        look = JobStore.look(rs, ctx);
                        locked = rs.getBoolean("locked");
                    }
                    Optional<Job> taken = Optional.empty();
                    if (ps.getMoreResults()) {
                        try (ResultSet rs = ps.getResultSet()) {
                            if (rs.next()) {
                                taken = Optional.of(JobStore.row(rs, ctx));
                            }
                        }
                    }
                    return outcome(look, locked, taken);
                });
    }

    private static Claim outcome(JobStore.Look look, boolean locked, Optional<Job> taken) {
        if (taken.isPresent()) {
            return new Claim(Claim.Outcome.CLAIMED, taken.get());
        }
        Claim.Outcome refused = look.left() ? Claim.Outcome.WORKER_LEFT
                : !look.takesWork() ? Claim.Outcome.WORKER_PAUSED
                : look.running() >= look.maxJobs() ? Claim.Outcome.WORKER_BUSY
                : !look.work() ? Claim.Outcome.NO_JOB
                // The look saw room, but the row changed before it was locked: as the three steps say.
                : !locked ? Claim.Outcome.WORKER_BUSY
                : Claim.Outcome.NO_JOB;
        return Claim.of(refused);
    }
}
