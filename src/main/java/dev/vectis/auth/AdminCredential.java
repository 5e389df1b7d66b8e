package dev.vectis.auth;

import dev.vectis.db.UniqueViolation;
import dev.vectis.config.Secret;
import java.io.PrintStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's admin token. A configured token is used as given. Without one, the first
 * node to start generates a token, prints it once and keeps only its hash in the database,
 * so every node sharing that database accepts it and a restart does not change it.
 */
public final class AdminCredential {

    private static final Logger LOG = LoggerFactory.getLogger(AdminCredential.class);
    static final String ROW = "admin_token_sha256";

    /** The token's SHA-256, decoded once; null when the stored hash is unreadable (then nothing matches). */
    private final byte[] sha256;

    private AdminCredential(String sha256Hex) {
        this.sha256 = decode(sha256Hex);
    }

    private static byte[] decode(String hex) {
        try {
            byte[] digest = HexFormat.of().parseHex(hex);
            return digest.length == 32 ? digest : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public static AdminCredential resolve(Optional<Secret> configured, Jdbi jdbi, PrintStream console) {
        if (configured.isPresent()) {
            return new AdminCredential(Tokens.sha256Hex(configured.get().reveal()));
        }
        Optional<String> stored = stored(jdbi);
        if (stored.isPresent()) {
            LOG.info("Admin token: generated on first start and kept only as a hash; "
                    + "set admin_token (VECTIS_ADMIN_TOKEN) to choose your own");
            return new AdminCredential(stored.get());
        }
        String token = Tokens.generate("vectis_admin_");
        String hash = Tokens.sha256Hex(token);
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO server_secrets (name, hash) VALUES (:name, :hash)")
                    .bind("name", ROW).bind("hash", hash).execute());
        } catch (StatementException e) {
            if (!UniqueViolation.in(e)) {
                throw e;
            }
            // Another node sharing this database generated one first; theirs stands.
            return new AdminCredential(stored(jdbi).orElseThrow());
        }
        console.println("Admin token: " + token);
        console.println("  Shown once and stored only as a hash. To choose your own, set admin_token in "
                + "vectis.yaml or VECTIS_ADMIN_TOKEN.");
        console.flush();
        return new AdminCredential(hash);
    }

    public boolean matches(String presented) {
        return presented != null && matchesSha256(Tokens.sha256(presented));
    }

    /** Constant-time check of a presented token's SHA-256, for callers that hash the token once for several checks. */
    public boolean matchesSha256(byte[] presentedSha256) {
        return sha256 != null && presentedSha256 != null && MessageDigest.isEqual(sha256, presentedSha256);
    }

    private static Optional<String> stored(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("SELECT hash FROM server_secrets WHERE name = :name")
                .bind("name", ROW).mapTo(String.class).findOne());
    }

}
