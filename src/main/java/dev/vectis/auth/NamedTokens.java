package dev.vectis.auth;

import dev.vectis.db.Page;
import dev.vectis.error.ConflictException;
import dev.vectis.error.InvalidInputException;
import dev.vectis.error.NotFoundException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tokens an admin issues by name and role. Only each token's SHA-256 is stored; the token
 * itself is returned once, when it is made. Every node keeps the current tokens in memory, so
 * checking one costs no query; a node that issues or revokes one tells the others, which drop
 * what they hold at once ({@link #onChange}), and every node reads the table again at least
 * every {@link #RELOAD_EVERY_MILLIS} in case such news was lost.
 */
public final class NamedTokens {

    private static final Logger LOG = LoggerFactory.getLogger(NamedTokens.class);

    /** A token's last use is written at most this often per node: not a write per request. */
    static final long LAST_USED_EVERY_MILLIS = 60_000;
    static final long RELOAD_EVERY_MILLIS = 30_000;
    /** Tokens current at once: each node holds them all in memory. */
    static final int MAX_CURRENT = 1000;
    static final int MAX_NAME = 100;
    static final String PREFIX = "vectis_tok_";
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    /** A token just made, with the only copy of its secret. */
    public record Issued(NamedToken token, String secret) {
    }

    /** A current token as this node holds it, with when this node last wrote its use. */
    private record Held(NamedToken token, Principal principal, AtomicLong lastWritten) {
    }

    private record Snapshot(Map<String, Held> bySha256Hex, long loadedAt) {
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final List<Consumer<String>> changeListeners = new CopyOnWriteArrayList<>();
    /** Moves on whenever what this node holds is dropped, so a read that started before does not reinstate it. */
    private final AtomicLong generation = new AtomicLong();
    private volatile Snapshot snapshot;

    public NamedTokens(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** The principal of the current token with this SHA-256, and notes its use. */
    public Optional<Principal> find(byte[] sha256) {
        if (sha256 == null) {
            return Optional.empty();
        }
        long now = clock.millis();
        Held held = current(now).bySha256Hex().get(HexFormat.of().formatHex(sha256));
        if (held == null || (held.token().expiresAt() != null && held.token().expiresAt() <= now)) {
            return Optional.empty();
        }
        noteUse(held, now);
        return Optional.of(held.principal());
    }

    /**
     * Makes a token. {@code alsoRecord} runs in the same transaction, after the row is written
     * (the audit entry), so the token exists only if that record does too.
     */
    public Issued create(String name, Credentials.Role role, Long expiresAt, String createdBy,
                         BiConsumer<Handle, NamedToken> alsoRecord) {
        String cleanName = name == null ? "" : name.strip();
        if (cleanName.isEmpty()) {
            throw new InvalidInputException("name", "name is required");
        }
        InvalidInputException.maxLength(cleanName, "name", MAX_NAME);
        if (!cleanName.chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
            throw new InvalidInputException("name", "name must not contain control characters");
        }
        if (role == null || role == Credentials.Role.NONE) {
            throw new InvalidInputException("role", "role must be admin, operator, viewer, submitter or worker");
        }
        long now = clock.millis();
        if (expiresAt != null && expiresAt <= now) {
            throw new InvalidInputException("expiresAt", "expiresAt must be in the future");
        }
        String secret = Tokens.generate(PREFIX);
        NamedToken token = new NamedToken(newId(), cleanName, role, now, createdBy, null, expiresAt, null);
        jdbi.useTransaction(h -> {
            if (TokenStore.countCurrent(h, now) >= MAX_CURRENT) {
                throw new ConflictException("TOO_MANY_TOKENS", "There are already " + MAX_CURRENT
                        + " current tokens; revoke some first");
            }
            TokenStore.insert(h, token, Tokens.sha256Hex(secret));
            alsoRecord.accept(h, token);
        });
        changed(token.id());
        return new Issued(token, secret);
    }

    public Optional<NamedToken> get(String id) {
        return jdbi.withHandle(h -> TokenStore.find(h, id, false));
    }

    /** Every token, revoked and expired ones too, in the order they were made. */
    public Page<NamedToken> list(String cursor, int limit) {
        return jdbi.withHandle(h -> {
            if (cursor != null && TokenStore.find(h, cursor, false).isEmpty()) {
                throw new InvalidInputException("cursor", "cursor must be a value from a previous page's nextCursor");
            }
            return Page.of(TokenStore.page(h, cursor, Page.probe(limit)), limit, TokenStore.count(h), NamedToken::id);
        });
    }

    /**
     * Revokes the token on every node. Revoking a revoked token changes nothing and answers it as
     * it is. {@code alsoRecord} runs in the same transaction, with the token as it now stands.
     */
    public NamedToken revoke(String id, BiConsumer<Handle, NamedToken> alsoRecord) {
        long now = clock.millis();
        NamedToken revoked = jdbi.inTransaction(h -> {
            TokenStore.find(h, id, true).orElseThrow(() -> new NotFoundException("TOKEN_NOT_FOUND", "Token not found"));
            TokenStore.revoke(h, id, now);
            NamedToken t = TokenStore.find(h, id, false).orElseThrow();
            alsoRecord.accept(h, t);
            return t;
        });
        changed(id);
        return revoked;
    }

    /** Told the id of each token issued or revoked here, to pass on to the other nodes. */
    public void onChange(Consumer<String> listener) {
        changeListeners.add(listener);
    }

    /** Drops what this node holds; the next check reads the table again. For news from other nodes. */
    public void forgetAll() {
        generation.incrementAndGet();
        snapshot = null;
    }

    private void changed(String id) {
        forgetAll();
        for (Consumer<String> listener : changeListeners) {
            listener.accept(id);
        }
    }

    private Snapshot current(long now) {
        Snapshot s = snapshot;
        if (s != null && now - s.loadedAt() < RELOAD_EVERY_MILLIS && now >= s.loadedAt()) {
            return s;
        }
        synchronized (this) {
            s = snapshot;
            if (s != null && now - s.loadedAt() < RELOAD_EVERY_MILLIS && now >= s.loadedAt()) {
                return s;
            }
            Snapshot previous = s;
            try {
                while (true) {
                    long before = generation.get();
                    Snapshot loaded = load(now, previous);
                    if (generation.get() == before) {
                        snapshot = loaded;
                        return loaded;
                    }
                    // A token changed while this read ran: it may predate the change, so read again.
                }
            } catch (RuntimeException e) {
                if (previous == null) {
                    throw e;
                }
                LOG.warn("Could not read the named tokens again; using those read {} s ago: {}",
                        (now - previous.loadedAt()) / 1000, e.getMessage());
                return previous;
            }
        }
    }

    private Snapshot load(long now, Snapshot previous) {
        Map<String, Held> byHash = new HashMap<>();
        for (TokenStore.Current c : jdbi.withHandle(h -> TokenStore.current(h, now))) {
            NamedToken t = c.token();
            // Keep this node's note of its last write, so a reload does not write every token's use again.
            Held before = previous == null ? null : previous.bySha256Hex().get(c.sha256Hex());
            long written = Math.max(t.lastUsedAt() == null ? 0 : t.lastUsedAt(),
                    before == null ? 0 : before.lastWritten().get());
            byHash.put(c.sha256Hex(), new Held(t, t.principal(), new AtomicLong(written)));
        }
        return new Snapshot(Map.copyOf(byHash), now);
    }

    private void noteUse(Held held, long now) {
        long last = held.lastWritten().get();
        if (now - last < LAST_USED_EVERY_MILLIS || !held.lastWritten().compareAndSet(last, now)) {
            return;
        }
        try {
            jdbi.useHandle(h -> TokenStore.used(h, held.token().id(), now));
        } catch (RuntimeException e) {
            // The time of last use is a courtesy: a request is never refused for want of writing it.
            LOG.warn("Could not record the use of token {}: {}", held.token().id(), e.getMessage());
        }
    }

    private String newId() {
        StringBuilder id = new StringBuilder("tok_");
        for (int i = 0; i < 16; i++) {
            id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
        }
        return id.toString();
    }
}
