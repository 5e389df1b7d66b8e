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
            return Optional.of(cached.secret());
        }
        Optional<String> sealed = jdbi.withHandle(h -> h.createQuery(
                        "SELECT secret_sealed FROM workers WHERE id = :id AND secret_sealed IS NOT NULL")
                .bind("id", workerId).mapTo(String.class).findOne());
        Optional<String> secret = sealed.map(box::open);
        secret.ifPresentOrElse(s -> cache.put(workerId, new Entry(s, now + KEEP_MILLIS)), () -> cache.remove(workerId));
        return secret;
    }

}
