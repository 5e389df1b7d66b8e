package dev.vectis.workers;

import dev.vectis.db.UniqueViolation;
import dev.vectis.auth.SecretBox;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementException;

/**
 * fleet-registration.md enrolment: one worker per IP, a random id and a unique subdomain,
 * the HMAC secret sealed at rest. The unique indexes decide races between nodes.
 */
public final class FleetEnrolments {

    private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    private static final String LABEL_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final int ATTEMPTS = 5;

    private final Jdbi jdbi;
    private final Clock clock;
    private final SecretBox box;
    private final String domain;
    private final WorkerEvents events;
    private final SecureRandom random = new SecureRandom();

    public FleetEnrolments(Jdbi jdbi, Clock clock, SecretBox box, String domain, WorkerEvents events) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.box = box;
        this.domain = domain;
        this.events = events;
    }

    /**
     * {@code ip} must already be in canonical form, so one machine cannot enrol twice under two
     * spellings. {@code hostname} may be null; a machine enrolling again updates it.
     */
    public FleetEnrolment enrol(String ip, String secret, String hostname) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<FleetEnrolment> existing = existing(ip, secret);
            if (existing.isPresent()) {
                if (existing.get().secretMatches()) {
                    reenrolled(existing.get(), hostname);
                }
                return existing.get();
            }
            String id = "wrk_" + random(ID_ALPHABET, 21);
            String subdomain = "worker-" + random(LABEL_ALPHABET, 8) + "." + domain;
            long now = clock.millis();
            try {
                jdbi.useTransaction(h -> {
                    h.createUpdate("INSERT INTO workers (id, enrolled_via, ip, subdomain, "
                                    + "secret_sealed, hostname, online, last_seen_at, created_at, updated_at) VALUES (:id, "
                                    + "'fleet', :ip, :subdomain, :secret, :hostname, TRUE, :now, :now, :now)")
                            .bind("id", id).bind("ip", ip).bind("subdomain", subdomain).bind("secret", box.seal(secret))
                            .bind("hostname", hostname).bind("now", now).execute();
                    events.registered(h, id, WorkerContracts.FLEET, false, details(ip, hostname));
                });
                return new FleetEnrolment(true, id, subdomain, ip, true);
            } catch (StatementException e) {
                if (!UniqueViolation.in(e)) {
                    throw e;
                }
                // Another node enrolled this IP meanwhile (answered by the next look-up),
                // or the random subdomain or id was taken (the next attempt draws new ones).
            }
        }
        throw new IllegalStateException("could not allocate a unique worker id and subdomain in " + ATTEMPTS + " tries");
    }

    private Optional<FleetEnrolment> existing(String ip, String secret) {
        return jdbi.withHandle(h -> find(h, ip)).map(row -> new FleetEnrolment(false, row[0], row[1], ip,
                row[2] != null && MessageDigest.isEqual(box.open(row[2]).getBytes(StandardCharsets.UTF_8),
                        secret.getBytes(StandardCharsets.UTF_8))));
    }

    /** The same machine enrolled again, proving it with its secret; a new hostname replaces the old. */
    private void reenrolled(FleetEnrolment e, String hostname) {
        jdbi.useTransaction(h -> {
            if (hostname != null) {
                h.createUpdate("UPDATE workers SET hostname = :hostname, updated_at = :now "
                                + "WHERE id = :id AND (hostname IS NULL OR hostname <> :hostname)")
                        .bind("id", e.id()).bind("hostname", hostname).bind("now", clock.millis()).execute();
            }
            events.registered(h, e.id(), WorkerContracts.FLEET, true, details(e.ip(), hostname));
        });
    }

    private static Map<String, Object> details(String ip, String hostname) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("ip", ip);
        if (hostname != null) {
            details.put("hostname", hostname);
        }
        return details;
    }

    private static Optional<String[]> find(Handle h, String ip) {
        return h.createQuery("SELECT id, subdomain, secret_sealed FROM workers WHERE ip = :ip").bind("ip", ip)
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}).findOne();
    }

    private String random(String alphabet, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }

}
