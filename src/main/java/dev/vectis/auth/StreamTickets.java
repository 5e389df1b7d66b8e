package dev.vectis.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Tickets for event streams (docs/console.md): a caller holding a token asks for one over an
 * authenticated call, and a browser's EventSource presents it once as {@code ?ticket=}. A ticket
 * is good for one path, for {@link #LIFETIME}, once: redeeming it deletes its row, and only the
 * delete that removed the row wins, whichever node it runs on.
 */
public final class StreamTickets {

    public static final Duration LIFETIME = Duration.ofSeconds(30);
    static final String PREFIX = "vst_";

    /** A ticket just issued: the secret (shown once) and when it stops being accepted. */
    public record Issued(String ticket, long expiresAt) {
    }

    private final Jdbi jdbi;
    private final Clock clock;

    public StreamTickets(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** A ticket for {@code path} that acts as the token whose SHA-256 is given. */
    public Issued issue(byte[] tokenSha256, String path) {
        String ticket = Tokens.generate(PREFIX);
        long now = clock.millis();
        long expires = now + LIFETIME.toMillis();
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO stream_tickets (ticket_sha256, token_sha256, path, created_at, "
                        + "expires_at) VALUES (:t, :k, :p, :now, :exp)")
                .bind("t", Tokens.sha256Hex(ticket)).bind("k", HexFormat.of().formatHex(tokenSha256))
                .bind("p", path).bind("now", now).bind("exp", expires).execute());
        return new Issued(ticket, expires);
    }

    /**
     * The SHA-256 of the token the ticket acts for, when the ticket is current, was issued for
     * this path and nobody redeemed it before; empty otherwise. Either way it is spent.
     */
    public Optional<byte[]> redeem(String ticket, String path) {
        if (ticket == null || !ticket.startsWith(PREFIX) || ticket.length() > 200) {
            return Optional.empty();
        }
        String hash = Tokens.sha256Hex(ticket);
        long now = clock.millis();
        return jdbi.inTransaction(h -> {
            Optional<String[]> row = h.createQuery("SELECT token_sha256, path FROM stream_tickets "
                            + "WHERE ticket_sha256 = :t AND expires_at > :now")
                    .bind("t", hash).bind("now", now)
                    .map((rs, c) -> new String[] {rs.getString(1), rs.getString(2)}).findOne();
            int deleted = h.createUpdate("DELETE FROM stream_tickets WHERE ticket_sha256 = :t").bind("t", hash)
                    .execute();
            if (row.isEmpty() || deleted != 1 || !row.get()[1].equals(path)) {
                return Optional.empty();
            }
            return Optional.of(HexFormat.of().parseHex(row.get()[0]));
        });
    }

    /** Forgets tickets past their expiry; run by the retention loop. */
    public int prune() {
        long now = clock.millis();
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM stream_tickets WHERE expires_at <= :now")
                .bind("now", now).execute());
    }
}
