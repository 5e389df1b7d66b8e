package dev.vectis.providers;

import dev.vectis.db.Page;
import dev.vectis.error.ConflictException;
import dev.vectis.error.NotFoundException;
import dev.vectis.events.EventLog;
import java.time.Clock;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The operator's side: list providers and approve, reject or suspend them. Each change is
 * an event. Asking for the status a provider already has changes nothing and succeeds, so
 * a retried click is harmless.
 */
public final class ProviderApprovals {

    private static final Set<ProviderStatus> APPROVABLE =
            EnumSet.of(ProviderStatus.PENDING, ProviderStatus.SUSPENDED, ProviderStatus.REJECTED);
    /** Rejection answers an application; an approved provider is suspended instead. */
    private static final Set<ProviderStatus> REJECTABLE = EnumSet.of(ProviderStatus.PENDING);
    private static final Set<ProviderStatus> SUSPENDABLE = EnumSet.of(ProviderStatus.PENDING, ProviderStatus.APPROVED);

    private final ProviderStore store;
    private final EventLog events;
    private final Clock clock;

    ProviderApprovals(ProviderStore store, EventLog events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    /** @param status null for every status */
    public Page<Provider> list(ProviderStatus status, String cursor, int limit) {
        return store.list(status, cursor, limit);
    }

    public Provider approve(String id, String reason) {
        return move(id, ProviderStatus.APPROVED, APPROVABLE, reason);
    }

    public Provider reject(String id, String reason) {
        return move(id, ProviderStatus.REJECTED, REJECTABLE, reason);
    }

    public Provider suspend(String id, String reason) {
        return move(id, ProviderStatus.SUSPENDED, SUSPENDABLE, reason);
    }

    private Provider move(String id, ProviderStatus to, Set<ProviderStatus> from, String reason) {
        Provider moved = store.jdbi().inTransaction(h -> {
            Provider current = store.find(h, id)
                    .orElseThrow(() -> new NotFoundException("PROVIDER_NOT_FOUND", "Provider not found"));
            if (current.status() == to) {
                return current;
            }
            if (!from.contains(current.status())) {
                throw new ConflictException("INVALID_TRANSITION", "A " + current.status().wire()
                        + " provider cannot be " + to.wire());
            }
            // Conditional on the status just read: of two operators acting at once, one wins.
            if (store.setStatus(h, id, to, Set.of(current.status()), reason, clock.millis()) == 0) {
                throw new ConflictException("STATUS_CHANGED", "The provider's status changed meanwhile; reload and retry");
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("from", current.status().wire());
            data.put("to", to.wire());
            if (reason != null) {
                data.put("reason", reason);
            }
            events.append(h, ProviderRegistry.event("provider." + to.wire(), id, data));
            return store.find(h, id).orElseThrow();
        });
        events.notifyAppended();
        return moved;
    }
}
