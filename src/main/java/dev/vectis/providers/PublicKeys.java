package dev.vectis.providers;

import dev.vectis.error.Violation;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Provider public keys: PEM holding either a SubjectPublicKeyInfo ({@code BEGIN PUBLIC KEY},
 * PKIX) or a bare PKCS#1 RSAPublicKey ({@code BEGIN RSA PUBLIC KEY}); RSA only, 2048 bits
 * or more. Messages never quote the key.
 */
final class PublicKeys {

    static final int MIN_BITS = 2048;
    /** Far beyond any real key; keeps a hostile modulus from costing anything. */
    static final int MAX_BITS = 16384;
    static final int MAX_CHARS = 16384;

    /** No two neighbouring parts match the same characters, so hostile input cannot make it backtrack for long. */
    private static final Pattern PEM = Pattern.compile(
            "\\A\\s*-----BEGIN ([A-Z0-9 ]{1,40})-----([A-Za-z0-9+/=\\s]*)-----END \\1-----\\s*\\z");
    private static final byte[] RSA_ENCRYPTION = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 1, 1, 1};
    /** Other algorithms people paste, by DER-encoded OID, so the refusal can say what was sent. */
    private static final Map<String, String> OTHER_ALGORITHMS = Map.of(
            "2a8648ce3d0201", "an EC key",
            "2b6570", "an Ed25519 key",
            "2b6571", "an Ed448 key",
            "2b656e", "an X25519 key",
            "2a8648ce380401", "a DSA key",
            "2a864886f70d01010a", "an RSASSA-PSS key (send a plain rsaEncryption key)");

    private PublicKeys() {
    }

    /** What is wrong with this key text, if anything. */
    static Optional<Violation> check(String field, String text) {
        if (text.length() > MAX_CHARS) {
            return fail(field, "KEY_FORMAT", "public_key is longer than " + MAX_CHARS + " characters");
        }
        Matcher pem = PEM.matcher(text);
        if (!pem.matches()) {
            return fail(field, "KEY_FORMAT", "public_key must be one PEM block: -----BEGIN PUBLIC KEY----- "
                    + "(PKIX) or -----BEGIN RSA PUBLIC KEY----- (PKCS#1)");
        }
        String label = pem.group(1);
        if (label.contains("PRIVATE")) {
            return fail(field, "KEY_FORMAT", "public_key holds a private key; send only the public key");
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(pem.group(2).replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            return fail(field, "KEY_FORMAT", "public_key is not valid base64 inside its PEM block");
        }
        try {
            RSAPublicKey key;
            if (label.equals("PUBLIC KEY")) {
                String other = otherAlgorithm(der);
                if (other != null) {
                    return fail(field, "KEY_NOT_RSA", "public_key is " + other + "; an RSA key is required");
                }
                key = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
            } else if (label.equals("RSA PUBLIC KEY")) {
                key = pkcs1(der);
            } else {
                return fail(field, "KEY_FORMAT", "public_key is a PEM \"" + label + "\" block; expected PUBLIC KEY "
                        + "or RSA PUBLIC KEY");
            }
            return size(field, key);
        } catch (IllegalArgumentException | GeneralSecurityException | ClassCastException e) {
            return fail(field, "KEY_FORMAT", "public_key is not a well-formed RSA public key");
        }
    }

    /** Null for rsaEncryption; a description for a recognised other algorithm; throws when malformed. */
    private static String otherAlgorithm(byte[] der) {
        List<Der> spki = Der.parse(der).children();
        if (spki.size() != 2) {
            throw new IllegalArgumentException("SubjectPublicKeyInfo has two parts");
        }
        spki.get(1).expect(Der.BIT_STRING);
        List<Der> algorithm = spki.get(0).children();
        if (algorithm.isEmpty()) {
            throw new IllegalArgumentException("no algorithm");
        }
        byte[] oid = algorithm.get(0).expect(Der.OID).content();
        if (Arrays.equals(oid, RSA_ENCRYPTION)) {
            return null;
        }
        return OTHER_ALGORITHMS.getOrDefault(java.util.HexFormat.of().formatHex(oid), "not an RSA key");
    }

    /** PKCS#1 RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }. */
    private static RSAPublicKey pkcs1(byte[] der) throws GeneralSecurityException {
        List<Der> parts = Der.parse(der).children();
        if (parts.size() != 2) {
            throw new IllegalArgumentException("RSAPublicKey has two integers");
        }
        BigInteger modulus = new BigInteger(parts.get(0).expect(Der.INTEGER).content());
        BigInteger exponent = new BigInteger(parts.get(1).expect(Der.INTEGER).content());
        return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, exponent));
    }

    private static Optional<Violation> size(String field, RSAPublicKey key) {
        BigInteger n = key.getModulus();
        BigInteger e = key.getPublicExponent();
        if (n.signum() <= 0 || !n.testBit(0) || e.compareTo(BigInteger.valueOf(3)) < 0 || !e.testBit(0)
                || e.compareTo(n) >= 0) {
            return fail(field, "KEY_FORMAT", "public_key is not a valid RSA public key");
        }
        int bits = n.bitLength();
        if (bits < MIN_BITS) {
            return fail(field, "KEY_TOO_SMALL", "public_key is a " + bits + "-bit RSA key; at least " + MIN_BITS
                    + " bits are required");
        }
        if (bits > MAX_BITS) {
            return fail(field, "KEY_FORMAT", "public_key is a " + bits + "-bit RSA key; at most " + MAX_BITS
                    + " bits are accepted");
        }
        return Optional.empty();
    }

    private static Optional<Violation> fail(String field, String code, String message) {
        return Optional.of(new Violation(field, message, code));
    }
}
