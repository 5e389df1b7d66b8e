package dev.vectis.billing;

import dev.vectis.db.Cte;
import dev.vectis.db.Page;
import dev.vectis.error.ConflictException;
import dev.vectis.error.InvalidInputException;
import dev.vectis.error.NotFoundException;
import dev.vectis.events.EventLog;
import dev.vectis.events.NewEvent;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/**
 * Every change of a balance, by any path, goes through here: the user's row is locked, the
 * new balance written and an entry appended in the same transaction. A CHECK keeps balances
 * non-negative even against a bug here, so two nodes can never overspend.
 */
public final class Ledger {

    /** Far below Long.MAX_VALUE, so sums never overflow. */
    public static final long MAX_AMOUNT = 1_000_000_000_000L;

    /** Who and what caused a change, kept on the entry. */
    public record Cause(String op, String reason, String actor, String requestId, String sessionId) {
    }

    public record Change(long balance, LedgerEntry entry) {
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final IdempotencyKeys keys;
    private final EventLog log;

    public Ledger(Jdbi jdbi, Clock clock, IdempotencyKeys keys, EventLog log) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.keys = keys;
        this.log = log;
    }

    /** The admin operations: add, sub (never below zero: 409, nothing changed) and set. */
    public Change adjust(String userId, String op, long amount, String reason, String actor, String requestId) {
        checkAmount(amount);
        Change change = jdbi.inTransaction(h -> adjust(h, userId, op, amount, reason, actor, requestId));
        log.notifyAppended();
        return change;
    }

    /**
     * As {@link #adjust}, made once for the admin's Idempotency-Key: the same key and body
     * answer what the first answered, byte for byte ({@code render} writes that answer).
     */
    public IdempotencyKeys.Answer adjustOnce(String key, String requestHash, String userId, String op, long amount,
                                             String reason, String actor, String requestId,
                                             java.util.function.Function<Change, String> render) {
        checkAmount(amount);
        requireUserExists(userId); // before the key is recorded against the user
        IdempotencyKeys.Answer answer = keys.once(IdempotencyKeys.ADMIN_COINS, userId, key, requestHash,
                h -> new IdempotencyKeys.Answer(200, render.apply(adjust(h, userId, op, amount, reason, actor,
                        requestId))));
        log.notifyAppended();
        return answer;
    }

    private Change adjust(Handle h, String userId, String op, long amount, String reason, String actor,
                          String requestId) {
        long balance = lockBalance(h, userId);
        long delta = switch (op) {
            case "add" -> amount;
            case "sub" -> -amount;
            case "set" -> amount - balance;
            default -> throw new InvalidInputException("op", "op must be add, sub or set");
        };
        if (balance + delta > MAX_AMOUNT * 1000) {
            throw new ConflictException("BALANCE_LIMIT", "The balance would exceed the largest allowed");
        }
        Change change = apply(h, userId, balance, delta, new Cause(op, reason, actor, requestId, null), clock.millis());
        // Purchases and refunds already show as vps.* events; an admin's change would otherwise go unseen.
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("userId", userId);
        data.put("op", op);
        data.put("delta", delta);
        data.put("balance", change.balance());
        log.append(h, NewEvent.of("user.coins", "marketplace", null, data));
        return change;
    }

    private static void checkAmount(long amount) {
        if (amount <= 0 || amount > MAX_AMOUNT) {
            throw new InvalidInputException("amount", "amount must be a whole number from 1 to " + MAX_AMOUNT);
        }
    }

    private void requireUserExists(String userId) {
        jdbi.useHandle(h -> requireUser(h, userId));
    }

    /** The user's balance, with the row locked until the transaction ends. */
    public static long lockBalance(Handle h, String userId) {
        return h.createQuery(LOCK_BALANCE).bind("id", userId).mapTo(Long.class).findOne()
                .orElseThrow(Ledger::noSuchUser);
    }

    static final String LOCK_BALANCE = "SELECT coins FROM users WHERE id = :id FOR UPDATE";

    static NotFoundException noSuchUser() {
        return new NotFoundException("USER_NOT_FOUND", "User not found");
    }

    /** Applies a change on a locked row; a balance that would go negative is 409 insufficient_coins. */
    public static Change apply(Handle h, String userId, long balance, long delta, Cause cause, long now) {
        long after = after(balance, delta);
        List<Cte> change = changing(userId, after, delta, cause, now);
        long id = Cte.insertedId(h, change.subList(0, 1), change.get(1));
        return new Change(after, new LedgerEntry(id, userId, delta, after, cause.op(), cause.reason(), cause.actor(),
                cause.requestId(), cause.sessionId(), now));
    }

    /** The balance after {@code delta}; 409 insufficient_coins, before anything is written, when it would be negative. */
    public static long after(long balance, long delta) {
        long after = balance + delta;
        if (after < 0) {
            throw new ConflictException("INSUFFICIENT_COINS", "Insufficient coins: the balance is " + balance);
        }
        return after;
    }

    /**
     * A change's two writes, the new balance then its entry, for a caller that writes them with
     * others in one statement; on a row the caller locked and with {@link #after} checked.
     */
    public static List<Cte> changing(String userId, long after, long delta, Cause cause, long now) {
        return List.of(new Cte("ledger_balance", "UPDATE users SET coins = :l_after, updated_at = :l_now "
                        + "WHERE id = :l_user", st -> st.bind("l_after", after).bind("l_now", now).bind("l_user", userId)),
                new Cte("ledger_entry", "INSERT INTO ledger_entries (user_id, delta, balance_after, op, reason, actor, "
                        + "request_id, session_id, created_at) VALUES (:l_user, :l_delta, :l_after, :l_op, :l_reason, "
                        + ":l_actor, :l_request, :l_session, :l_now)",
                        st -> st.bind("l_user", userId).bind("l_delta", delta).bind("l_after", after)
                                .bind("l_op", cause.op()).bind("l_reason", cause.reason()).bind("l_actor", cause.actor())
                                .bind("l_request", cause.requestId()).bind("l_session", cause.sessionId())
                                .bind("l_now", now)));
    }

    /** Newest first; the cursor is the id of the last entry of the previous page. */
    public Page<LedgerEntry> entries(String userId, Long beforeId, int limit) {
        return jdbi.withHandle(h -> {
            requireUser(h, userId);
            List<LedgerEntry> items = h.createQuery("SELECT * FROM ledger_entries WHERE user_id = :u "
                            + "AND (:before IS NULL OR id < :before) ORDER BY id DESC LIMIT :limit")
                    .bind("u", userId).bind("before", beforeId).bind("limit", Page.probe(limit))
                    .map(ConstructorMapper.of(LedgerEntry.class))
                    .list();
            long total = h.createQuery("SELECT COUNT(*) FROM ledger_entries WHERE user_id = :u").bind("u", userId)
                    .mapTo(Long.class).one();
            return Page.of(items, limit, total, e -> Long.toString(e.id()));
        });
    }

    private static void requireUser(Handle h, String userId) {
        if (h.createQuery("SELECT COUNT(*) FROM users WHERE id = :id").bind("id", userId).mapTo(Integer.class).one() == 0) {
            throw new NotFoundException("USER_NOT_FOUND", "User not found");
        }
    }

}
