package dev.vectis.auth;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Request signatures between Vectis and its workers, both ways. The signed text is
 * {@code METHOD \n PATH?QUERY \n TIMESTAMP \n hex(SHA-256(body))}; the signature is
 * hex(HMAC-SHA256(worker secret, that text)). The timestamp (epoch seconds) bounds replays
 * to {@link #MAX_SKEW}. See docs/worker-signatures.md.
 */
public final class HmacSignature {

    public static final String WORKER_HEADER = "X-Vectis-Worker";
    public static final String TIMESTAMP_HEADER = "X-Vectis-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Vectis-Signature";
    public static final Duration MAX_SKEW = Duration.ofMinutes(5);

    private HmacSignature() {
    }

    /** {@code pathAndQuery} exactly as sent on the request line, e.g. {@code /api/jobs/get-job?wait=30}. */
    public static String sign(byte[] secret, String method, String pathAndQuery, String timestamp, byte[] body) {
        String text = method.toUpperCase(java.util.Locale.ROOT) + "\n" + pathAndQuery + "\n" + timestamp + "\n"
                + HexFormat.of().formatHex(Tokens.sha256(body == null ? new byte[0] : body));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** True when the signature matches and the timestamp is within {@link #MAX_SKEW} of now. */
    public static boolean verify(byte[] secret, String method, String pathAndQuery, String timestamp, byte[] body,
                                 String signature, Instant now) {
        if (timestamp == null || signature == null || !timestamp.matches("[0-9]{1,12}")) {
            return false;
        }
        long skew = Math.abs(now.getEpochSecond() - Long.parseLong(timestamp));
        if (skew > MAX_SKEW.toSeconds()) {
            return false;
        }
        byte[] expected = sign(secret, method, pathAndQuery, timestamp, body).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signature.trim().toLowerCase(java.util.Locale.ROOT)
                .getBytes(StandardCharsets.US_ASCII));
    }

    /** The secret's bytes as used for signing: the text as the worker holds it (hex in worker.secret). */
    public static byte[] key(String secret) {
        return secret.getBytes(StandardCharsets.UTF_8);
    }
}
