package dev.vectis.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.error.Violation;
import java.math.BigInteger;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PublicKeysTest {

    private static Optional<String> code(String pem) {
        return PublicKeys.check("public_key", pem).map(Violation::code);
    }

    @Test
    void rsaKeysOf2048And4096BitsAreAcceptedInPkixAndPkcs1() {
        for (int bits : new int[] {2048, 4096}) {
            RSAPublicKey key = TestKeys.rsa(bits);
            assertThat(code(TestKeys.pkix(key))).as("PKIX %d", bits).isEmpty();
            assertThat(code(TestKeys.pkcs1(key))).as("PKCS#1 %d", bits).isEmpty();
        }
    }

    @Test
    void layoutVariationsOfAValidPemAreAccepted() {
        String pem = TestKeys.pkix(TestKeys.rsa(2048));
        assertThat(code("\n  " + pem.replace("\n", "\r\n") + "  \n")).isEmpty();
        String oneLine = pem.replace("\n", "").replace("-----BEGIN PUBLIC KEY-----", "-----BEGIN PUBLIC KEY-----\n")
                .replace("-----END", "\n-----END");
        assertThat(code(oneLine)).isEmpty();
    }

    @Test
    void a1024BitKeyIsTooSmallInEitherFormat() {
        RSAPublicKey key = TestKeys.rsa(1024);
        assertThat(code(TestKeys.pkix(key))).contains("KEY_TOO_SMALL");
        assertThat(code(TestKeys.pkcs1(key))).contains("KEY_TOO_SMALL");
        assertThat(PublicKeys.check("public_key", TestKeys.pkix(key)).orElseThrow().message()).contains("1024-bit");
    }

    @Test
    void nonRsaKeysAreRefusedAsSuch() {
        assertThat(code(TestKeys.ecPkix())).contains("KEY_NOT_RSA");
        assertThat(PublicKeys.check("public_key", TestKeys.ecPkix()).orElseThrow().message()).contains("EC key");
        assertThat(code(TestKeys.ed25519Pkix())).contains("KEY_NOT_RSA");
    }

    @Test
    void anythingButOneWellFormedPemBlockIsAFormatError() {
        String pkix = TestKeys.pkix(TestKeys.rsa(2048));
        String body = pkix.substring(pkix.indexOf('\n') + 1, pkix.indexOf("-----END"));
        for (String bad : new String[] {
            "",
            "not a key",
            "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ user@host",
            body,
            pkix.replace("-----END PUBLIC KEY-----", "-----END RSA PUBLIC KEY-----"),
            pkix + pkix,
            pkix.replace(body.substring(10, 30), "!!!!!!!!!!!!!!!!!!!!"),
            TestKeys.pem("PUBLIC KEY", Base64.getDecoder().decode(body.replace("\n", "").substring(0, 200))),
            TestKeys.pem("PUBLIC KEY", new byte[] {0x30, (byte) 0x80, 0, 0}),
            TestKeys.pem("CERTIFICATE", new byte[] {0x30, 0}),
            TestKeys.pem("RSA PUBLIC KEY", TestKeys.rsa(2048).getEncoded()),
            TestKeys.pem("PUBLIC KEY", TestKeys.pkcs1Der(TestKeys.rsa(2048).getModulus(), BigInteger.valueOf(65537))),
            TestKeys.pem("RSA PUBLIC KEY", TestKeys.pkcs1Der(TestKeys.rsa(2048).getModulus(), BigInteger.TWO)),
            TestKeys.pem("RSA PUBLIC KEY", TestKeys.pkcs1Der(TestKeys.rsa(2048).getModulus().negate(),
                    BigInteger.valueOf(65537))),
            "-----BEGIN PUBLIC KEY-----\n" + "A".repeat(PublicKeys.MAX_CHARS) + "\n-----END PUBLIC KEY-----",
        }) {
            assertThat(code(bad)).as(bad.length() > 80 ? bad.substring(0, 80) : bad).contains("KEY_FORMAT");
        }
    }

    @Test
    void aPastedPrivateKeyIsRefusedWithoutEchoingIt() {
        String pem = TestKeys.pem("PRIVATE KEY", new byte[] {0x30, 3, 2, 1, 0});
        Violation v = PublicKeys.check("public_key", pem).orElseThrow();
        assertThat(v.code()).isEqualTo("KEY_FORMAT");
        assertThat(v.message()).contains("private key").doesNotContain("MAUCAQA");
    }

    @Test
    void onlyTheBlockItselfIsRead() {
        String pkix = TestKeys.pkix(TestKeys.rsa(2048));
        String body = pkix.substring(pkix.indexOf('\n') + 1, pkix.indexOf("-----END"));
        byte[] der = TestKeys.rsa(2048).getEncoded();
        // the same key with a BER indefinite length in place of the outer DER length
        byte[] ber = new byte[der.length];
        System.arraycopy(der, 4, ber, 2, der.length - 4);
        ber[0] = 0x30;
        ber[1] = (byte) 0x80;
        byte[] indefinite = java.util.Arrays.copyOf(ber, der.length);
        for (String bad : new String[] {
            "text before\n" + pkix,
            pkix + "text after",
            pkix.replace("-----END PUBLIC KEY-----", "-----END PUBLIC KEY-----trailing"),
            pkix.replace("-----BEGIN PUBLIC KEY-----\n", "-----BEGIN PUBLIC KEY-----\nProc-Type: 4,ENCRYPTED\n\n"),
            TestKeys.pem("PUBLIC KEY", indefinite),
            TestKeys.pem("public key", der),
            "-----BEGIN " + "X".repeat(5000) + "-----\n" + body + "-----END " + "X".repeat(5000) + "-----",
        }) {
            Violation v = PublicKeys.check("public_key", bad).orElseThrow();
            assertThat(v.code()).as(bad.length() > 80 ? bad.substring(0, 80) : bad).isEqualTo("KEY_FORMAT");
            assertThat(v.message()).doesNotContain("XXXX").doesNotContain(body.substring(0, 20));
        }
        assertThat(PublicKeys.check("public_key", pkix.replace(body.substring(10, 30), "!!!!!!!!!!!!!!!!!!!!"))
                .orElseThrow().message()).contains("base64");
        assertThat(PublicKeys.check("public_key", TestKeys.pem("PUBLIC KEY", indefinite)).orElseThrow().message())
                .contains("DER");
    }

    @Test
    void mangledKeysGetAKeyCodeNeverAnException() {
        RSAPublicKey key = TestKeys.rsa(2048);
        java.util.Random random = new java.util.Random(7);
        for (String pem : new String[] {TestKeys.pkix(key), TestKeys.pkcs1(key), TestKeys.ecPkix()}) {
            String label = pem.substring("-----BEGIN ".length(), pem.indexOf("-----", 5));
            byte[] der = Base64.getMimeDecoder().decode(pem.substring(pem.indexOf('\n') + 1, pem.indexOf("-----END")));
            for (int i = 0; i < 1500; i++) {
                byte[] mangled = java.util.Arrays.copyOf(der, 1 + random.nextInt(der.length + 8));
                for (int flips = random.nextInt(4); flips >= 0; flips--) {
                    mangled[random.nextInt(mangled.length)] ^= (byte) (1 << random.nextInt(8));
                }
                String text = i % 3 == 0 ? TestKeys.pem(label, mangled)
                        : mangleText(TestKeys.pem(label, der), random);
                assertThat(PublicKeys.check("public_key", text).map(Violation::code))
                        .as(text).satisfiesAnyOf(c -> assertThat(c).isEmpty(),
                                c -> assertThat(c.get()).isIn("KEY_FORMAT", "KEY_NOT_RSA", "KEY_TOO_SMALL"));
            }
        }
    }

    private static String mangleText(String pem, java.util.Random random) {
        String replacements = "A-/=+ \n\r:\u0000\u00e9Z";
        char[] chars = pem.toCharArray();
        for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
            chars[random.nextInt(chars.length)] = replacements.charAt(random.nextInt(replacements.length()));
        }
        return new String(chars, 0, random.nextInt(chars.length + 1));
    }

    @Test
    void hugeWhitespaceRunsAreRefusedQuickly() {
        String spaces = " ".repeat(PublicKeys.MAX_CHARS - 100);
        long start = System.nanoTime();
        assertThat(code("-----BEGIN PUBLIC KEY-----" + spaces + "-----END PUBLIC KEYS-----")).contains("KEY_FORMAT");
        assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
    }
}
