package dev.vectis.auth;

import dev.vectis.db.Columns;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL for api_tokens. Every method runs on the caller's handle (and transaction). */
final class TokenStore {

    private static final String COLUMNS = "id, name, role, created_at, created_by, last_used_at, expires_at, revoked_at";

    /** A current token as nodes keep it in memory: who it is, when it ends, when its use was last written. */
    record Current(String sha256Hex, NamedToken token) {
    }

    private TokenStore() {
    }

    static void insert(Handle h, NamedToken t, String sha256Hex) {
        h.createUpdate("INSERT INTO api_tokens (id, name, role, token_sha256, created_at, created_by, expires_at) "
                        + "VALUES (:id, :name, :role, :hash, :now, :by, :expires)")
                .bind("id", t.id()).bind("name", t.name()).bind("role", t.role().wire()).bind("hash", sha256Hex)
                .bind("now", t.createdAt()).bind("by", t.createdBy()).bind("expires", t.expiresAt()).execute();
    }

    static Optional<NamedToken> find(Handle h, String id, boolean lock) {
        return h.createQuery("SELECT " + COLUMNS + " FROM api_tokens WHERE id = :id" + (lock ? " FOR UPDATE" : ""))
                .bind("id", id).map(TokenStore::row).findOne();
    }

    /** In the order they were made, after the token {@code afterId} (null: from the first). */
    static List<NamedToken> page(Handle h, String afterId, int limit) {
        return h.createQuery("SELECT " + COLUMNS + " FROM api_tokens WHERE (:after IS NULL "
                        + "OR seq > (SELECT seq FROM api_tokens WHERE id = :after)) ORDER BY seq LIMIT :limit")
                .bind("after", afterId).bind("limit", limit).map(TokenStore::row).list();
    }

    static long count(Handle h) {
        return h.createQuery("SELECT COUNT(*) FROM api_tokens").mapTo(Long.class).one();
    }

    /** Tokens that are neither revoked nor expired at {@code now}. */
    static long countCurrent(Handle h, long now) {
        return h.createQuery("SELECT COUNT(*) FROM api_tokens WHERE revoked_at IS NULL "
                + "AND (expires_at IS NULL OR expires_at > :now)").bind("now", now).mapTo(Long.class).one();
    }

    static List<Current> current(Handle h, long now) {
        return h.createQuery("SELECT token_sha256, " + COLUMNS + " FROM api_tokens WHERE revoked_at IS NULL "
                        + "AND (expires_at IS NULL OR expires_at > :now)")
                .bind("now", now).map((rs, ctx) -> new Current(rs.getString("token_sha256"), row(rs, ctx))).list();
    }

    static void revoke(Handle h, String id, long now) {
        h.createUpdate("UPDATE api_tokens SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL")
                .bind("id", id).bind("now", now).execute();
    }

    /** Moves last_used_at forward only, so nodes writing out of order never move it back. */
    static void used(Handle h, String id, long at) {
        h.createUpdate("UPDATE api_tokens SET last_used_at = :at WHERE id = :id "
                + "AND (last_used_at IS NULL OR last_used_at < :at)").bind("id", id).bind("at", at).execute();
    }

    private static NamedToken row(ResultSet rs, StatementContext ctx) throws SQLException {
        return new NamedToken(rs.getString("id"), rs.getString("name"),
                Credentials.Role.parse(rs.getString("role")).orElse(Credentials.Role.NONE),
                rs.getLong("created_at"), rs.getString("created_by"), Columns.longOrNull(rs, "last_used_at"),
                Columns.longOrNull(rs, "expires_at"), Columns.longOrNull(rs, "revoked_at"));
    }
}
