package dev.vectis.providers;

import dev.vectis.db.UniqueViolation;
import dev.vectis.error.VectisException;
import dev.vectis.error.Violation;
import dev.vectis.events.EventLog;
import dev.vectis.events.NewEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/** What a provider does to its own account: register, edit its profile, replace its API key. */
public final class ProviderRegistry {

    /** A fresh key's look-up part colliding is a 2^-72 event; a few draws settle it. */
    private static final int ATTEMPTS = 3;

    private final ProviderStore store;
    private final ApiKeys keys;
    private final EventLog events;
    private final Clock clock;

    ProviderRegistry(ProviderStore store, ApiKeys keys, EventLog events, Clock clock) {
        this.store = store;
        this.keys = keys;
        this.events = events;
        this.clock = clock;
    }

    public NewProvider register(ProviderFields fields) {
        // Checked first so a taken address costs no bcrypt; the unique index settles races.
        if (store.emailTaken(fields.email())) {
            throw emailTaken();
        }
        return withFreshKey(() -> {
            ApiKeys.Issued key = keys.issue();
            String id = UUID.randomUUID().toString();
            Provider provider = store.jdbi().inTransaction(h -> {
                store.insert(h, id, fields, key, clock.millis());
                events.append(h, event("provider.registered", id, Map.of("name", fields.name(), "status", "pending")));
                return store.find(h, id).orElseThrow();
            });
            return new NewProvider(provider, key.key());
        }, () -> store.emailTaken(fields.email()));
    }

    /** Saves the profile when something changed; a suspended or rejected provider cannot. */
    public Provider update(Provider current, ProviderFields fields) {
        List<String> changed = changed(current, fields);
        if (changed.isEmpty()) {
            return current;
        }
        Provider updated = store.jdbi().inTransaction(h -> {
            if (store.update(h, current.id(), fields, clock.millis()) == 0) {
                throw ProviderSessions.locked(store.find(h, current.id()).map(Provider::status).orElse(null));
            }
            events.append(h, event("provider.updated", current.id(), Map.of("fields", changed)));
            return store.find(h, current.id()).orElseThrow();
        });
        events.notifyAppended();
        return updated;
    }

    /** A new key; the old one stops working as this commits. */
    public String rotateKey(Provider provider) {
        return withFreshKey(() -> {
            ApiKeys.Issued key = keys.issue();
            store.jdbi().useTransaction(h -> {
                if (store.replaceKey(h, provider.id(), key, clock.millis()) == 0) {
                    throw ProviderSessions.locked(store.find(h, provider.id()).map(Provider::status).orElse(null));
                }
                events.append(h, event("provider.key_rotated", provider.id(), Map.of()));
            });
            return key.key();
        }, () -> false);
    }

    /** Runs {@code attempt} again when the new key's look-up part was taken; {@code emailTaken} tells the other unique clash. */
    private <T> T withFreshKey(Supplier<T> attempt, Supplier<Boolean> emailTaken) {
        for (int i = 0; i < ATTEMPTS; i++) {
            try {
                T result = attempt.get();
                events.notifyAppended();
                return result;
            } catch (RuntimeException e) {
                if (!UniqueViolation.in(e)) {
                    throw e;
                }
                if (emailTaken.get()) {
                    throw emailTaken();
                }
            }
        }
        throw new IllegalStateException("could not draw an unused API key in " + ATTEMPTS + " tries");
    }

    private static List<String> changed(Provider p, ProviderFields f) {
        List<String> changed = new ArrayList<>();
        if (!Objects.equals(p.name(), f.name())) {
            changed.add("name");
        }
        if (!Objects.equals(p.organization(), f.organization())) {
            changed.add("organization");
        }
        if (!Objects.equals(p.publicKey(), f.publicKey())) {
            changed.add("public_key");
        }
        if (!Objects.equals(p.endpoints(), f.endpoints())) {
            changed.add("endpoints");
        }
        if (!Objects.equals(p.metadata(), f.metadata())) {
            changed.add("metadata");
        }
        return changed;
    }

    static NewEvent event(String type, String providerId, Map<String, Object> data) {
        Map<String, Object> all = new java.util.LinkedHashMap<>();
        all.put("provider_id", providerId);
        all.putAll(data);
        return NewEvent.of(type, "providers", null, all);
    }

    private static VectisException emailTaken() {
        String message = "A provider with this email is already registered";
        return new VectisException(VectisException.Kind.CONFLICT, "EMAIL_TAKEN", message, "email",
                List.of(new Violation("email", message, "EMAIL_TAKEN")));
    }
}
