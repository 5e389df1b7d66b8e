package dev.vectis.providers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectis.db.Page;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The providers table. The email's uniqueness (ignoring case) and the key's look-up part are
 * unique indexes, so two nodes registering the same address at once cannot both succeed.
 */
final class ProviderStore {

    /** What authentication needs: whose key this is, its hash and whether the provider may sign in. */
    record StoredKey(String providerId, String hash, ProviderStatus status, int tokenGeneration) {
    }

    private static final String COLUMNS = "id, name, email, organization, public_key, endpoints, metadata, status, "
            + "status_reason, created_at, updated_at, token_generation";
    /** Providers that may still change their account; checked in the UPDATE so a suspension in between wins. */
    private static final String ACTIVE = "'pending', 'approved'";
    private static final TypeReference<List<Endpoint>> ENDPOINTS = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final Jdbi jdbi;
    private final ObjectMapper mapper = new ObjectMapper();

    ProviderStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    Jdbi jdbi() {
        return jdbi;
    }

    /** email_lower is computed by the database, so the unique index and every look-up agree on what lower case is. */
    void insert(Handle h, String id, ProviderFields f, ApiKeys.Issued key, long now) {
        h.createUpdate("INSERT INTO providers (id, name, email, email_lower, organization, public_key, endpoints, "
                        + "metadata, status, key_lookup, key_hash, key_created_at, terms_accepted_at, created_at, "
                        + "updated_at) VALUES (:id, :name, :email, LOWER(:email), :organization, :publicKey, "
                        + ":endpoints, :metadata, 'pending', :lookup, :hash, :now, :now, :now, :now)")
                .bind("id", id).bind("name", f.name()).bind("email", f.email()).bind("organization", f.organization())
                .bind("publicKey", f.publicKey()).bind("endpoints", json(f.endpoints()))
                .bind("metadata", f.metadata() == null ? null : json(f.metadata()))
                .bind("lookup", key.lookup()).bind("hash", key.hash()).bind("now", now)
                .execute();
    }

    boolean emailTaken(String email) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM providers WHERE email_lower = LOWER(:email)")
                .bind("email", email).mapTo(Integer.class).one() > 0);
    }

    Optional<Provider> find(Handle h, String id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM providers WHERE id = :id").bind("id", id)
                .map(this::provider).findOne();
    }

    Optional<Provider> find(String id) {
        return jdbi.withHandle(h -> find(h, id));
    }

    Optional<StoredKey> keyByLookup(String lookup) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, key_hash, status, token_generation FROM providers "
                        + "WHERE key_lookup = :l")
                .bind("l", lookup)
                .map((rs, ctx) -> new StoredKey(rs.getString("id"), rs.getString("key_hash"), status(rs),
                        rs.getInt("token_generation")))
                .findOne());
    }

    int update(Handle h, String id, ProviderFields f, long now) {
        return h.createUpdate("UPDATE providers SET name = :name, organization = :organization, "
                        + "public_key = :publicKey, endpoints = :endpoints, metadata = :metadata, updated_at = :now "
                        + "WHERE id = :id AND status IN (" + ACTIVE + ")")
                .bind("id", id).bind("name", f.name()).bind("organization", f.organization())
                .bind("publicKey", f.publicKey()).bind("endpoints", json(f.endpoints()))
                .bind("metadata", f.metadata() == null ? null : json(f.metadata())).bind("now", now)
                .execute();
    }

    int replaceKey(Handle h, String id, ApiKeys.Issued key, long now) {
        return h.createUpdate("UPDATE providers SET key_lookup = :lookup, key_hash = :hash, key_created_at = :now, "
                        + "token_generation = token_generation + 1, updated_at = :now "
                        + "WHERE id = :id AND status IN (" + ACTIVE + ")")
                .bind("id", id).bind("lookup", key.lookup()).bind("hash", key.hash()).bind("now", now).execute();
    }

    /** Moves the provider to {@code to} only from one of {@code from}; 0 when it was not in one of them. */
    int setStatus(Handle h, String id, ProviderStatus to, Set<ProviderStatus> from, String reason, long now) {
        // Leaving good standing ends every token issued so far; a later approval does not revive them.
        String generation = to.mayAuthenticate() ? "" : "token_generation = token_generation + 1, ";
        return h.createUpdate("UPDATE providers SET status = :to, status_reason = :reason, " + generation
                        + "updated_at = :now WHERE id = :id AND status IN (<from>)")
                .bind("id", id).bind("to", to.wire()).bind("reason", reason).bind("now", now)
                .bindList("from", from.stream().map(ProviderStatus::wire).toList())
                .execute();
    }

    /** Newest first; the cursor is the previous page's last (created_at, id). */
    Page<Provider> list(ProviderStatus status, String cursor, int limit) {
        Cursor after = cursor == null ? null : Cursor.parse(cursor);
        String filter = status == null ? "" : " AND status = :status";
        return jdbi.withHandle(h -> {
            Query page = h.createQuery("SELECT " + COLUMNS + " FROM providers WHERE 1 = 1" + filter
                    + (after == null ? "" : " AND (created_at < :at OR (created_at = :at AND id < :id))")
                    + " ORDER BY created_at DESC, id DESC LIMIT :limit").bind("limit", Page.probe(limit));
            Query count = h.createQuery("SELECT COUNT(*) FROM providers WHERE 1 = 1" + filter);
            if (status != null) {
                page.bind("status", status.wire());
                count.bind("status", status.wire());
            }
            if (after != null) {
                page.bind("at", after.createdAt()).bind("id", after.id());
            }
            return Page.of(page.map(this::provider).list(), limit, count.mapTo(Long.class).one(),
                    p -> new Cursor(p.createdAt().toEpochMilli(), p.id()).toString());
        });
    }

    private record Cursor(long createdAt, String id) {

        static Cursor parse(String text) {
            String[] parts = Page.compoundParts(text, 2, "next_cursor");
            return new Cursor(Page.numberPart(parts[0], "next_cursor"), parts[1]);
        }

        @Override
        public String toString() {
            return Page.compoundCursor(Long.toString(createdAt), id);
        }
    }

    private Provider provider(ResultSet rs, StatementContext ctx) throws SQLException {
        String metadata = rs.getString("metadata");
        return new Provider(rs.getString("id"), rs.getString("name"), rs.getString("email"),
                rs.getString("organization"), rs.getString("public_key"), read(rs.getString("endpoints"), ENDPOINTS),
                metadata == null ? null : read(metadata, MAP), status(rs), rs.getString("status_reason"),
                Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("updated_at")),
                rs.getInt("token_generation"));
    }

    private static ProviderStatus status(ResultSet rs) throws SQLException {
        return ProviderStatus.parse(rs.getString("status")).orElseThrow();
    }

    private <T> T read(String json, TypeReference<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("providers row holds JSON it did not write", e);
        }
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("validated fields are plain JSON values", e);
        }
    }
}
