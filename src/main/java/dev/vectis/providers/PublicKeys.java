package dev.vectis.providers;

import dev.vectis.error.Violation;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.KeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.encoders.DecoderException;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * Provider public keys: PEM holding either a SubjectPublicKeyInfo ({@code BEGIN PUBLIC KEY},
 * PKIX) or a bare PKCS#1 RSAPublicKey ({@code BEGIN RSA PUBLIC KEY}); RSA only, 2048 bits
 * or more. Bouncy Castle reads the PEM and the ASN.1, the JDK's KeyFactory builds the key.
 * Messages never quote the key.
 */
final class PublicKeys {

    static final int MIN_BITS = 2048;
    /** Far beyond any real key; keeps a hostile modulus from costing anything. */
    static final int MAX_BITS = 16384;
    static final int MAX_CHARS = 16384;

    private static final String ONE_BLOCK = "public_key must be one PEM block: -----BEGIN PUBLIC KEY----- "
            + "(PKIX) or -----BEGIN RSA PUBLIC KEY----- (PKCS#1)";
    /** Other algorithms people paste, by OID, so the refusal can say what was sent. */
    private static final Map<String, String> OTHER_ALGORITHMS = Map.of(
            "1.2.840.10045.2.1", "an EC key",
            "1.3.101.112", "an Ed25519 key",
            "1.3.101.113", "an Ed448 key",
            "1.3.101.110", "an X25519 key",
            "1.2.840.10040.4.1", "a DSA key",
            "1.2.840.113549.1.1.10", "an RSASSA-PSS key (send a plain rsaEncryption key)");

    private PublicKeys() {
    }

    /** What is wrong with this key text, if anything. */
    static Optional<Violation> check(String field, String text) {
        if (text.length() > MAX_CHARS) {
            return fail(field, "KEY_FORMAT", "public_key is longer than " + MAX_CHARS + " characters");
        }
        PemObject pem;
        try {
            pem = oneBlock(text.strip());
        } catch (IOException e) {
            boolean base64 = e.getCause() instanceof DecoderException;
            return fail(field, "KEY_FORMAT", base64 ? "public_key is not valid base64 inside its PEM block" : ONE_BLOCK);
        }
        if (pem == null) {
            return fail(field, "KEY_FORMAT", ONE_BLOCK);
        }
        String label = pem.getType();
        if (label.contains("PRIVATE")) {
            return fail(field, "KEY_FORMAT", "public_key holds a private key; send only the public key");
        }
        if (!label.equals("PUBLIC KEY") && !label.equals("RSA PUBLIC KEY")) {
            String named = label.matches("[A-Z0-9 ]{1,40}") ? "a PEM \"" + label + "\" block" : "another PEM block";
            return fail(field, "KEY_FORMAT", "public_key is " + named + "; expected PUBLIC KEY or RSA PUBLIC KEY");
        }
        try {
            byte[] der = pem.getContent();
            ASN1Primitive asn1 = ASN1Primitive.fromByteArray(der);
            if (!Arrays.equals(asn1.getEncoded(ASN1Encoding.DER), der)) {
                return fail(field, "KEY_FORMAT", "public_key is not DER-encoded");
            }
            KeySpec spec;
            if (label.equals("PUBLIC KEY")) {
                String algorithm = SubjectPublicKeyInfo.getInstance(asn1).getAlgorithm().getAlgorithm().getId();
                if (!algorithm.equals(PKCSObjectIdentifiers.rsaEncryption.getId())) {
                    return fail(field, "KEY_NOT_RSA", "public_key is " + OTHER_ALGORITHMS.getOrDefault(algorithm,
                            "not an RSA key") + "; an RSA key is required");
                }
                spec = new X509EncodedKeySpec(der);
            } else {
                spec = pkcs1(ASN1Sequence.getInstance(asn1));
            }
            return size(field, (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(spec));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // Hostile bytes may trip any check inside the parsers; each one means the same to the caller.
            return fail(field, "KEY_FORMAT", "public_key is not a well-formed RSA public key");
        }
    }

    /**
     * The one PEM block that is all of {@code pem} (already stripped), or null. The reader
     * skips text around blocks and takes headers; a public key has neither.
     */
    private static PemObject oneBlock(String pem) throws IOException {
        if (!pem.startsWith("-----BEGIN ")) {
            return null;
        }
        try (PemReader reader = new PemReader(new StringReader(pem))) {
            PemObject object = reader.readPemObject();
            if (object == null || reader.readLine() != null || !object.getHeaders().isEmpty()
                    || !pem.endsWith("-----END " + object.getType() + "-----")) {
                return null;
            }
            return object;
        }
    }

    /**
     * PKCS#1 RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }, read as
     * signed integers: Bouncy Castle's own RSAPublicKey would turn a negative modulus positive.
     */
    private static RSAPublicKeySpec pkcs1(ASN1Sequence parts) {
        if (parts.size() != 2) {
            throw new IllegalArgumentException("RSAPublicKey has two integers");
        }
        return new RSAPublicKeySpec(ASN1Integer.getInstance(parts.getObjectAt(0)).getValue(),
                ASN1Integer.getInstance(parts.getObjectAt(1)).getValue());
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
