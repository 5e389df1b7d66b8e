package dev.vectis.providers;

import dev.vectis.auth.Passwords;
import dev.vectis.auth.Tokens;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Provider API keys: {@code pk_} and 32 random bytes. The first characters after the prefix
 * are kept in clear to find the provider, so checking a key costs one bcrypt, not one per
 * provider; they are a small part of a 256-bit secret, so they give nothing away.
 */
public final class ApiKeys {

    static final String PREFIX = "pk_";
    static final int LOOKUP_CHARS = 12;
    private static final Pattern FORMAT = Pattern.compile("pk_[A-Za-z0-9_-]{43}");

    /** A new key in clear (to show once), its look-up part and its hash (to store). */
    public record Issued(String key, String lookup, String hash) {
    }

    private final Passwords passwords;
    private volatile String dummyHash;

    public ApiKeys(Passwords passwords) {
        this.passwords = passwords;
    }

    public Issued issue() {
        String key = Tokens.generate(PREFIX);
        return new Issued(key, lookup(key).orElseThrow(), passwords.hash(key));
    }

    /** The clear look-up part, or empty when the text cannot be one of our keys. */
    public static Optional<String> lookup(String key) {
        if (key == null || !FORMAT.matcher(key).matches()) {
            return Optional.empty();
        }
        return Optional.of(key.substring(PREFIX.length(), PREFIX.length() + LOOKUP_CHARS));
    }

    /**
     * True when the key matches the stored hash. Exactly one bcrypt verification runs either
     * way (against a throw-away hash when there is no stored one), so an unknown provider or
     * a malformed key answers as slowly as a wrong key.
     */
    public boolean verify(String presented, Optional<String> storedHash) {
        String dummy = dummyHash();
        boolean matched = passwords.matches(presented == null ? "" : presented, storedHash.orElse(dummy));
        return matched && storedHash.isPresent();
    }

    /** Made on first use, not at start, so servers that never see a provider do not pay for a bcrypt. */
    private String dummyHash() {
        String hash = dummyHash;
        if (hash == null) {
            synchronized (this) {
                if (dummyHash == null) {
                    dummyHash = passwords.hash(Tokens.generate(PREFIX));
                }
                hash = dummyHash;
            }
        }
        return hash;
    }
}
