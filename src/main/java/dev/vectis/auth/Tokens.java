package dev.vectis.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Random bearer tokens and their hashes. Tokens carry 256 random bits, so a plain SHA-256
 * is enough to store them (no slow hash needed: there is nothing to brute-force).
 */
public final class Tokens {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** Copied for each use: cheaper than looking the algorithm up among the providers every time. */
    private static final MessageDigest SHA_256 = newSha256();

    private Tokens() {
    }

    /** A new token: a readable prefix (so secret scanners can spot leaks) and 32 random bytes. */
    public static String generate(String prefix) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String sha256Hex(String token) {
        return HexFormat.of().formatHex(sha256(token.getBytes(StandardCharsets.UTF_8)));
    }

    public static byte[] sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] sha256(byte[] data) {
        MessageDigest digest;
        try {
            digest = (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            digest = newSha256();
        }
        return digest.digest(data);
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Constant-time check of a presented token against a stored SHA-256 hex hash. */
    public static boolean matchesHash(String storedHex, String presented) {
        if (storedHex == null || presented == null) {
            return false;
        }
        return MessageDigest.isEqual(storedHex.getBytes(StandardCharsets.US_ASCII),
                sha256Hex(presented).getBytes(StandardCharsets.US_ASCII));
    }
}
