package dev.vectis.billing;

import dev.vectis.db.Cte;
import dev.vectis.db.Dialect;
import dev.vectis.db.UniqueViolation;
import dev.vectis.error.ConflictException;
import dev.vectis.error.VectisException;
import java.time.Clock;
import java.time.Duration;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Idempotency-Key handling after Stripe and the IETF draft, per user and scope: the first
 * request with a key runs; the same key with the same body replays its stored response; with
 * another body it is 422; while the first still runs it is 409. Records live at least
 * {@link #KEEP}. A scope keeps one caller's keys apart from another's: a user's purchase key
 * never meets the key the admin sent to change that user's coins.
 */
public final class IdempotencyKeys {

    /** A user's purchases. */
    public static final String PURCHASE = "purchase";
    /** The admin's changes to a user's coins. */
    public static final String ADMIN_COINS = "admin-coins";

    public static final Duration KEEP = Duration.ofHours(24);
    /** A running record this old whose purchase committed belongs to a request that died. */
    static final Duration ABANDONED = Duration.ofMinutes(2);

    /** An answer as sent, to be sent again byte for byte. */
    public record Answer(int status, String body) {
    }

    /** What to do with a request: run it, replay a stored answer, or answer from a committed session. */
    public record Decision(String kind, int status, String body, String sessionId) {

        public static final String RUN = "run";
        public static final String REPLAY = "replay";
        public static final String RECOVER = "recover";
    }

    private final Jdbi jdbi;
    private final Clock clock;

    public IdempotencyKeys(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    public Decision begin(String scope, String userId, String key, String requestHash) {
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                return jdbi.inTransaction(h -> decide(h, scope, userId, key, requestHash, null));
            } catch (RuntimeException e) {
                if (!UniqueViolation.in(e)) {
                    throw e;
                }
                // Two first requests raced to insert; the loser re-reads the winner's record.
            }
        }
        throw new ConflictException("IDEMPOTENCY_KEY_IN_USE", "A request with this Idempotency-Key is in progress");
    }

    /**
     * As {@link #begin(String, String, String, String)} for a purchase, on the caller's
     * transaction, so the record, tied to the session it is about to buy, and the purchase
     * commit together (or neither does). The caller holds the user's row, so no other first
     * request with the key can be recording it at the same time.
     */
    public Decision begin(Handle h, String userId, String key, String requestHash, String sessionId) {
        return decide(h, PURCHASE, userId, key, requestHash, sessionId);
    }

    /** The user's balance, its row locked for the caller's transaction, and what to do with the purchase's key. */
    public record Locked(long balance, Decision decision) {
    }

    /**
     * {@link Ledger#lockBalance}, then {@link #begin(Handle, String, String, String, String)}: on
     * PostgreSQL one statement for the first request with a key, the record's insert reading
     * the locked row so that it comes after the lock.
     */
    public Locked beginPurchase(Handle h, String userId, String key, String requestHash, String sessionId) {
        if (Dialect.of(h) != Dialect.POSTGRESQL) {
            long balance = Ledger.lockBalance(h, userId);
            return new Locked(balance, begin(h, userId, key, requestHash, sessionId));
        }
        long now = clock.millis();
        Object[] row = h.createQuery("WITH balance AS (" + Ledger.LOCK_BALANCE + "), recorded AS (" + INSERT
                        + "SELECT :u, :s, :k, :h, 'running', :session, :now FROM balance " + IF_NEW + " RETURNING 1) "
                        + "SELECT (SELECT coins FROM balance), (SELECT COUNT(*) FROM recorded)")
                .bind("id", userId).bind("u", userId).bind("s", PURCHASE).bind("k", key).bind("h", requestHash)
                .bind("session", sessionId).bind("now", now)
                .map((rs, ctx) -> new Object[] {rs.getObject(1), rs.getLong(2)}).one();
        if (row[0] == null) {
            throw Ledger.noSuchUser();
        }
        long balance = ((Number) row[0]).longValue();
        return new Locked(balance, (Long) row[1] == 1 ? new Decision(Decision.RUN, 0, null, null)
                : existing(h, PURCHASE, userId, key, requestHash, sessionId, now));
    }

    private static final String INSERT = "INSERT INTO idempotency_keys (user_id, key_scope, idem_key, request_hash, "
            + "state, session_id, created_at) ";
    private static final String IF_NEW = "ON CONFLICT DO NOTHING";

    private Decision decide(Handle h, String scope, String userId, String key, String requestHash, String sessionId) {
        long now = clock.millis();
        // The first request with a key, the common case, costs one statement: the record's insert.
        if (h.createUpdate(INSERT + "VALUES (:u, :s, :k, :h, 'running', :session, :now) " + IF_NEW)
                .bind("u", userId).bind("s", scope).bind("k", key)
                .bind("h", requestHash).bind("session", sessionId).bind("now", now).execute() == 1) {
            return new Decision(Decision.RUN, 0, null, null);
        }
        return existing(h, scope, userId, key, requestHash, sessionId, now);
    }

    /** The key has a record already: replay, recover, run again, or refuse. */
    private static Decision existing(Handle h, String scope, String userId, String key, String requestHash,
                                     String sessionId, long now) {
        Object[] row = h.createQuery("SELECT request_hash, state, response_status, response_body, session_id, "
                        + "created_at FROM idempotency_keys WHERE user_id = :u AND key_scope = :s AND idem_key = :k "
                        + "FOR UPDATE")
                .bind("u", userId).bind("s", scope).bind("k", key)
                .map((rs, ctx) -> new Object[] {rs.getString(1), rs.getString(2), rs.getObject(3), rs.getString(4),
                        rs.getString(5), rs.getLong(6)})
                .findOne().orElse(null);
        if (row == null) {
            // Removed since the insert found it (pruned, or forgotten after a refusal): a race to run again.
            throw new ConflictException("IDEMPOTENCY_KEY_IN_USE", "A request with this Idempotency-Key is in progress");
        }
        if (!row[0].equals(requestHash)) {
            throw new VectisException(VectisException.Kind.UNPROCESSABLE, "IDEMPOTENCY_KEY_REUSED",
                    "This Idempotency-Key was used with a different request body");
        }
        if ("done".equals(row[1])) {
            return new Decision(Decision.REPLAY, ((Number) row[2]).intValue(), (String) row[3], (String) row[4]);
        }
        boolean abandoned = (Long) row[5] < now - ABANDONED.toMillis();
        if (abandoned && row[4] != null) {
            return new Decision(Decision.RECOVER, 0, null, (String) row[4]);
        }
        if (abandoned) {
            // The request died before anything was bought: run it again under the same key.
            h.createUpdate("UPDATE idempotency_keys SET created_at = :now, session_id = :session WHERE user_id = :u "
                    + "AND key_scope = :s AND idem_key = :k").bind("now", now).bind("session", sessionId)
                    .bind("u", userId).bind("s", scope).bind("k", key).execute();
            return new Decision(Decision.RUN, 0, null, null);
        }
        throw new ConflictException("IDEMPOTENCY_KEY_IN_USE",
                "A request with this Idempotency-Key is still in progress; retry after it finishes");
    }

    public void finish(String userId, String key, int status, String body) {
        jdbi.useHandle(h -> finish(h, userId, key, status, body));
    }

    /** The purchase's answer, on the caller's transaction. */
    public static void finish(Handle h, String userId, String key, int status, String body) {
        finishing(PURCHASE, userId, key, new Answer(status, body)).run(h);
    }

    /** As {@link #finish}, for a caller that can write it within a statement of its own. */
    public static Cte finishing(String userId, String key, int status, String body) {
        return finishing(PURCHASE, userId, key, new Answer(status, body));
    }

    private static Cte finishing(String scope, String userId, String key, Answer answer) {
        return new Cte("idempotency_done", "UPDATE idempotency_keys SET state = 'done', response_status = :ik_status, "
                + "response_body = :ik_body WHERE user_id = :ik_user AND key_scope = :ik_scope AND idem_key = :ik_key",
                st -> st.bind("ik_status", answer.status()).bind("ik_body", answer.body()).bind("ik_user", userId)
                        .bind("ik_scope", scope).bind("ik_key", key));
    }

    /** Nothing happened (refused before any change): the key is free for a corrected retry. */
    public void forget(String userId, String key) {
        forget(PURCHASE, userId, key);
    }

    private void forget(String scope, String userId, String key) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM idempotency_keys WHERE user_id = :u AND key_scope = :s "
                + "AND idem_key = :k AND session_id IS NULL").bind("u", userId).bind("s", scope).bind("k", key)
                .execute());
    }

    /**
     * Runs {@code work} once for the key, in one transaction with the record of its answer: a
     * crash leaves either nothing done (the key runs again later) or the change and its answer
     * (replayed). A refusal ({@link VectisException}) changes nothing and frees the key.
     */
    public Answer once(String scope, String userId, String key, String requestHash,
                       java.util.function.Function<Handle, Answer> work) {
        Decision decision = begin(scope, userId, key, requestHash);
        if (decision.kind().equals(Decision.REPLAY)) {
            return new Answer(decision.status(), decision.body());
        }
        try {
            return jdbi.inTransaction(h -> {
                Answer answer = work.apply(h);
                finishing(scope, userId, key, answer).run(h);
                return answer;
            });
        } catch (VectisException e) {
            forget(scope, userId, key);
            throw e;
        }
    }

    /** Removes finished records past the keep period. */
    public int prune() {
        long cutoff = clock.millis() - KEEP.toMillis();
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM idempotency_keys WHERE state = 'done' "
                + "AND created_at < :c").bind("c", cutoff).execute());
    }
}
