package dev.vectis.auth;

import dev.vectis.config.Secret;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The HMAC keys for signed tokens: the current one, which signs, and previous ones, which
 * still verify tokens signed before a rotation. The current key is configured, or generated
 * once and kept in {@code data_dir/jwt.secret} (mode 0600) so tokens stay valid across
 * restarts. Previous keys are configured ({@code jwt.previous_secrets}) or the generated key
 * an operator renamed to {@code data_dir/jwt.secret.previous}.
 */
public final class JwtKey {

    static final String FILE = "jwt.secret";
    static final String PREVIOUS_FILE = "jwt.secret.previous";
    private static final int BYTES = 32;

    private final byte[] key;
    private final List<byte[]> previous;

    private JwtKey(byte[] key, List<byte[]> previous) {
        this.key = key.clone();
        this.previous = previous.stream().map(byte[]::clone).toList();
    }

    /** A fixed key set, as tests and tools build one. */
    public static JwtKey of(byte[] key, List<byte[]> previous) {
        return new JwtKey(key, previous);
    }

    public static JwtKey resolve(Optional<Secret> configured, Path dataDir) {
        return resolve(configured, List.of(), dataDir);
    }

    public static JwtKey resolve(Optional<Secret> configured, List<Secret> configuredPrevious, Path dataDir) {
        byte[] current = configured.map(Secret::bytes)
                .orElseGet(() -> KeyFile.loadOrCreate(dataDir.resolve(FILE), BYTES));
        List<byte[]> previous = new ArrayList<>();
        configuredPrevious.forEach(s -> previous.add(s.bytes()));
        KeyFile.loadIfPresent(dataDir.resolve(PREVIOUS_FILE), BYTES).ifPresent(previous::add);
        return new JwtKey(current, previous);
    }

    /** The key that signs. */
    public byte[] bytes() {
        return key.clone();
    }

    /** Keys that only verify: tokens signed with them stay valid until they expire. */
    public List<byte[]> previous() {
        return previous.stream().map(byte[]::clone).toList();
    }
}
