package dev.vectis.providers;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.auth.Jwt;
import dev.vectis.auth.Passwords;
import dev.vectis.config.Settings;
import dev.vectis.events.EventLog;
import java.time.Clock;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;

/** The provider feature's services, built over one store. */
public record ProviderServices(ProviderRules rules, ProviderRegistry registry, ProviderSessions sessions,
                               ProviderApprovals approvals) {

    /** The JWTs are the ones every contract uses; the audience keeps them to this contract. */
    public static ProviderServices create(Jdbi jdbi, Clock clock, EventLog events, Jwt jwt, Settings settings) {
        ProviderStore store = new ProviderStore(jdbi);
        ApiKeys keys = new ApiKeys(new Passwords(settings.providers().bcryptCost()));
        return new ProviderServices(
                new ProviderRules(new ObjectMapper()),
                new ProviderRegistry(store, keys, events, clock),
                new ProviderSessions(store, keys, jwt, Duration.ofHours(settings.jwt().expiryHours())),
                new ProviderApprovals(store, events, clock));
    }
}
