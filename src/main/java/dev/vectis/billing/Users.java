package dev.vectis.billing;

import com.sanctionco.jmail.JMail;
import dev.vectis.auth.Jwt;
import dev.vectis.auth.TokenRevocations;
import dev.vectis.auth.Passwords;
import dev.vectis.auth.Tokens;
import dev.vectis.db.Page;
import dev.vectis.db.UniqueViolation;
import dev.vectis.error.AuthenticationException;
import dev.vectis.error.ConflictException;
import dev.vectis.error.InvalidInputException;
import dev.vectis.error.NotFoundException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Marketplace users and how they prove who they are: opaque API tokens (stored as SHA-256)
 * issued by an admin, or a password login that returns a short-lived JWT.
 */
public final class Users {

    public static final String AUDIENCE = "vectis-users";
    private static final String TOKEN_PREFIX = "vu_";

    public record Created(User user, String token) {
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private final Passwords passwords;
    private final Jwt jwt;
    private final Duration jwtLifetime;
    /** Compared against when the e-mail is unknown, so a login takes as long either way; made on first use. */
    private volatile String decoyHash;

    public Users(Jdbi jdbi, Clock clock, Passwords passwords, Jwt jwt, Duration jwtLifetime) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.passwords = passwords;
        this.jwt = jwt;
        this.jwtLifetime = jwtLifetime;
    }

    public Created create(String email, String name, String password, long coins, String actor, String requestId) {
        if (email == null || email.isBlank()) {
            throw new InvalidInputException("email", "email is required");
        }
        if (email.length() > 320 || !JMail.strictValidator().isValid(email.trim())) {
            throw new InvalidInputException("email", "email is not a valid address");
        }
        if (name == null || name.isBlank()) {
            throw new InvalidInputException("name", "name is required");
        }
        InvalidInputException.maxLength(name, "name", 200);
        if (password != null && (password.length() < 8 || password.length() > 1024)) {
            throw new InvalidInputException("password", "password must be 8 to 1024 characters");
        }
        if (coins < 0 || coins > Ledger.MAX_AMOUNT) {
            throw new InvalidInputException("coins", "coins must be from 0 to " + Ledger.MAX_AMOUNT);
        }
        String id = UUID.randomUUID().toString();
        String token = Tokens.generate(TOKEN_PREFIX);
        long now = clock.millis();
        String hash = password == null ? null : passwords.hash(password);
        try {
            jdbi.useTransaction(h -> {
                h.createUpdate("INSERT INTO users (id, email, email_lower, name, password_hash, coins, created_at, "
                                + "updated_at) VALUES (:id, :email, :lower, :name, :hash, 0, :now, :now)")
                        .bind("id", id).bind("email", email.trim()).bind("lower", emailKey(email))
                        .bind("name", name.trim()).bind("hash", hash).bind("now", now).execute();
                insertToken(h, id, token, now);
                if (coins > 0) {
                    Ledger.apply(h, id, 0, coins, new Ledger.Cause("add", "initial balance", actor, requestId, null), now);
                }
            });
        } catch (RuntimeException e) {
            if (UniqueViolation.in(e)) {
                throw new ConflictException("EMAIL_TAKEN", "A user with this email already exists");
            }
            throw e;
        }
        return new Created(get(id), token);
    }

    public User get(String id) {
        return jdbi.withHandle(h -> find(h, "id = :v", id))
                .orElseThrow(() -> new NotFoundException("USER_NOT_FOUND", "User not found"));
    }

    public Page<User> list(String afterId, int limit) {
        return jdbi.withHandle(h -> {
            List<User> items = h.createQuery("SELECT * FROM users WHERE (:after IS NULL OR id > :after) ORDER BY id "
                            + "LIMIT :limit").bind("after", afterId).bind("limit", Page.probe(limit)).map(Users::row).list();
            long total = h.createQuery("SELECT COUNT(*) FROM users").mapTo(Long.class).one();
            return Page.of(items, limit, total, User::id);
        });
    }

    /** A new API token for the user; earlier tokens keep working. */
    public String newToken(String userId) {
        get(userId);
        String token = Tokens.generate(TOKEN_PREFIX);
        jdbi.useHandle(h -> insertToken(h, userId, token, clock.millis()));
        return token;
    }

    /** The user a bearer credential belongs to: an API token, or a login JWT. */
    public Optional<String> authenticate(String bearer) {
        if (bearer == null) {
            return Optional.empty();
        }
        if (bearer.startsWith(TOKEN_PREFIX)) {
            return jdbi.withHandle(h -> h.createQuery("SELECT user_id FROM user_tokens WHERE token_hash = :h")
                    .bind("h", Tokens.sha256Hex(bearer)).mapTo(String.class).findOne());
        }
        Jwt.Claims claims;
        try {
            claims = jwt.verify(bearer, AUDIENCE);
        } catch (AuthenticationException e) {
            return Optional.empty();
        }
        return jdbi.withHandle(h -> {
            Optional<Integer> generation = h.createQuery("SELECT token_generation FROM users WHERE id = :id")
                    .bind("id", claims.subject()).mapTo(Integer.class).findOne();
            if (generation.isEmpty() || generation.get() != TokenRevocations.generation(claims)
                    || TokenRevocations.revoked(h, claims.jti())) {
                return Optional.empty();
            }
            return Optional.of(claims.subject());
        });
    }

    /** Ends every token of the user: API tokens are deleted, login tokens issued so far stop working. */
    public int revokeAll(String userId) {
        get(userId);
        return jdbi.inTransaction(h -> {
            h.createUpdate("UPDATE users SET token_generation = token_generation + 1, updated_at = :now WHERE id = :id")
                    .bind("id", userId).bind("now", clock.millis()).execute();
            return h.createUpdate("DELETE FROM user_tokens WHERE user_id = :id").bind("id", userId).execute();
        });
    }

    /** Ends just the credential presented (a logout); the user's other tokens keep working. */
    public void revoke(String bearer) {
        if (bearer.startsWith(TOKEN_PREFIX)) {
            jdbi.useHandle(h -> h.createUpdate("DELETE FROM user_tokens WHERE token_hash = :h")
                    .bind("h", Tokens.sha256Hex(bearer)).execute());
            return;
        }
        Jwt.Claims claims = jwt.verify(bearer, AUDIENCE);
        jdbi.useHandle(h -> TokenRevocations.revoke(h, claims));
    }

    /** How e-mail addresses are told apart: surrounding space and case do not count. */
    public static String emailKey(String email) {
        return email.trim().toLowerCase(Locale.ROOT);
    }

    /** The user a login JWT names, checked by its signature alone (no database): for the rate limiter. */
    public Optional<String> tokenSubject(String bearer) {
        try {
            return Optional.of(jwt.verify(bearer, AUDIENCE).subject());
        } catch (AuthenticationException e) {
            return Optional.empty();
        }
    }

    public Jwt.Issued login(String email, String password) {
        if (email == null || email.isBlank() || password == null || password.isEmpty()) {
            throw new InvalidInputException(email == null || email.isBlank() ? "email" : "password",
                    "email and password are required");
        }
        Optional<String[]> row = jdbi.withHandle(h -> h.createQuery("SELECT id, password_hash, token_generation "
                        + "FROM users WHERE email_lower = :e").bind("e", emailKey(email))
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}).findOne());
        String hash = row.map(r -> r[1]).orElse(null);
        boolean ok = passwords.matches(password, hash == null ? decoy() : hash) && hash != null;
        if (!ok) {
            throw new AuthenticationException("Wrong email or password");
        }
        return jwt.issue(row.get()[0], AUDIENCE, jwtLifetime,
                Map.of(TokenRevocations.GENERATION, Integer.parseInt(row.get()[2])));
    }

    private String decoy() {
        if (decoyHash == null) {
            decoyHash = passwords.hash(UUID.randomUUID().toString());
        }
        return decoyHash;
    }

    private static void insertToken(Handle h, String userId, String token, long now) {
        h.createUpdate("INSERT INTO user_tokens (token_hash, user_id, created_at) VALUES (:h, :u, :now)")
                .bind("h", Tokens.sha256Hex(token)).bind("u", userId).bind("now", now).execute();
    }

    private static Optional<User> find(Handle h, String where, String value) {
        return h.createQuery("SELECT * FROM users WHERE " + where).bind("v", value).map(Users::row).findOne();
    }

    private static User row(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
            throws java.sql.SQLException {
        return new User(rs.getString("id"), rs.getString("email"), rs.getString("name"), rs.getLong("coins"),
                rs.getLong("created_at"));
    }
}
