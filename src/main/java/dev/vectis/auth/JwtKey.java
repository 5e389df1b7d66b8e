package dev.vectis.auth;

import dev.vectis.config.Secret;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The HMAC key for signed tokens. Configured, or generated once and kept in
 * {@code data_dir/jwt.secret} (mode 0600) so tokens stay valid across restarts.
 */
public final class JwtKey {

    static final String FILE = "jwt.secret";
    private static final int BYTES = 32;

    private final byte[] key;

    private JwtKey(byte[] key) {
        this.key = key;
    }

    public static JwtKey resolve(Optional<Secret> configured, Path dataDir) {
        if (configured.isPresent()) {
            return new JwtKey(configured.get().bytes());
        }
        return new JwtKey(KeyFile.loadOrCreate(dataDir.resolve(FILE), BYTES));
    }

    public byte[] bytes() {
        return key.clone();
    }
}
