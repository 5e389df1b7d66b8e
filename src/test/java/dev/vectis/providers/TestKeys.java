package dev.vectis.providers;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * Real keys for tests, made with the JDK's generators and written as PEM by hand (PKCS#1
 * with its own small DER encoder, so the code under test is not checked against itself).
 * Each size is generated once per JVM: RSA-4096 takes seconds.
 */
public final class TestKeys {

    private TestKeys() {
    }

    public static RSAPublicKey rsa(int bits) {
        return switch (bits) {
            case 1024 -> Rsa1024.KEY;
            case 2048 -> Rsa2048.KEY;
            case 4096 -> Rsa4096.KEY;
            default -> (RSAPublicKey) generate("RSA", bits).getPublic();
        };
    }

    /** A PKIX (SubjectPublicKeyInfo) PEM: {@code BEGIN PUBLIC KEY}. */
    public static String pkix(PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    /** A PKCS#1 PEM: {@code BEGIN RSA PUBLIC KEY}, the bare SEQUENCE { modulus, exponent }. */
    public static String pkcs1(RSAPublicKey key) {
        return pem("RSA PUBLIC KEY", pkcs1Der(key.getModulus(), key.getPublicExponent()));
    }

    public static byte[] pkcs1Der(BigInteger modulus, BigInteger exponent) {
        byte[] n = tlv(0x02, modulus.toByteArray());
        byte[] e = tlv(0x02, exponent.toByteArray());
        byte[] both = new byte[n.length + e.length];
        System.arraycopy(n, 0, both, 0, n.length);
        System.arraycopy(e, 0, both, n.length, e.length);
        return tlv(0x30, both);
    }

    public static String ecPkix() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return pkix(g.generateKeyPair().getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String ed25519Pkix() {
        return pkix(generate("Ed25519", 0).getPublic());
    }

    public static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            byte[] len = BigInteger.valueOf(length).toByteArray();
            int skip = len[0] == 0 ? 1 : 0;
            out.write(0x80 | (len.length - skip));
            out.write(len, skip, len.length - skip);
        }
        out.write(content, 0, content.length);
        return out.toByteArray();
    }

    private static KeyPair generate(String algorithm, int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
            if (bits > 0) {
                g.initialize(bits);
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class Rsa1024 {
        static final RSAPublicKey KEY = (RSAPublicKey) generate("RSA", 1024).getPublic();
    }

    private static final class Rsa2048 {
        static final RSAPublicKey KEY = (RSAPublicKey) generate("RSA", 2048).getPublic();
    }

    private static final class Rsa4096 {
        static final RSAPublicKey KEY = (RSAPublicKey) generate("RSA", 4096).getPublic();
    }
}
