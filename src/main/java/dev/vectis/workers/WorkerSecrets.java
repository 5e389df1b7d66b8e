package dev.vectis.workers;

import dev.vectis.auth.SecretBox;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;

/**
 * The HMAC secrets of enrolled workers, for checking their signatures. Opened secrets are
 * kept in memory for a few minutes, so a fleet's heartbeats do not each cost a read.
 */
public final class WorkerSecrets {

    private static final long KEEP_MILLIS = 5 * 60_000;

    /** {@code secret} null: the worker exists and holds none. */
    private record Entry(String secret, long until) {
    }

    private final Jdbi jdbi;
    private final SecretBox box;
    private final Clock clock;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    public WorkerSecrets(Jdbi jdbi, SecretBox box, Clock clock) {
        this.jdbi = jdbi;
        this.box = box;
        this.clock = clock;
    }

    /** The worker's secret; empty for an unknown worker or one enrolled without a secret. */
    public Optional<String> of(String workerId) {
        long now = clock.millis();
        Entry cached = cache.get(workerId);
        if (cached != null && cached.until() > now) {
            return Optional.ofNullable(cached.secret());
        }
        Optional<Optional<String>> row = jdbi.withHandle(h -> h.createQuery(
                        "SELECT secret_sealed FROM workers WHERE id = :id")
                .bind("id", workerId).map((rs, ctx) -> Optional.ofNullable(rs.getString(1))).findOne());
        if (row.isEmpty()) {
            cache.remove(workerId);
            return Optional.empty();
        }
        Optional<String> secret = row.get().map(box::open);
        // "No secret" is kept too, so a fleet of unsigned workers costs no read per call: a worker
        // never gains a secret later (only an enrolment has one, under a new random id).
        cache.put(workerId, new Entry(secret.orElse(null), now + KEEP_MILLIS));
        return secret;
    }

    /** True when the worker holds a secret: then nothing acts for it without its signature. */
    public boolean holdsSecret(String workerId) {
        return of(workerId).isPresent();
    }

    /** Drops the worker's cached secret (its row changed, here or on another node): the next call reads it. */
    public void forget(String workerId) {
        cache.remove(workerId);
    }

    public void forgetAll() {
        cache.clear();
    }

}
