package dev.vectis.fuzz;

import dev.vectis.auth.HmacSignature;
import dev.vectis.testing.TestApp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Missing, malformed, forged and misplaced credentials. */
final class AuthMutations {

    private AuthMutations() {
    }

    static void apply(Draft d, Fixtures f, Random r) {
        int choice = r.nextInt(22);
        String what;
        Draft.Credential c;
        switch (choice) {
            case 0 -> {
                c = Draft.bearer(null);
                what = "no credentials";
            }
            case 1 -> {
                String value = Hostile.pick(r, List.of("Bearer", "Bearer ", "Bearer  ", "bearer", "Basic YWRtaW46YWRtaW4=",
                        "Token abc", "Bearer a b", "Bearer \u0000", "Bearer tok\u0000en", "Bearer \u00e9\u00ff",
                        "Bearer " + "a".repeat(7000), "Bearer\t" + TestApp.ADMIN_TOKEN, ""));
                c = Draft.header("Authorization", value);
                what = "Authorization: " + Mutator.printable(value);
            }
            case 2 -> {
                c = Draft.bearer(TestApp.ADMIN_TOKEN.toUpperCase(Locale.ROOT));
                what = "the admin token upper-cased";
            }
            case 3 -> {
                c = Draft.bearer(TestApp.ADMIN_TOKEN + "x");
                what = "the admin token with a letter more";
            }
            case 4, 5 -> {
                // A user's own token may be revoked by the call: the victim's, never the one other calls use.
                String[] tokens = {TestApp.ADMIN_TOKEN, TestApp.WORKER_TOKEN, f.victimToken(), f.providerToken()};
                String[] names = {"admin", "worker", "user", "provider"};
                int i = r.nextInt(tokens.length);
                c = Draft.bearer(tokens[i]);
                what = "the " + names[i] + "'s token";
            }
            case 6, 7 -> {
                String token = jwt(r);
                c = Draft.bearer(token);
                what = "forged JWT " + token;
            }
            case 8 -> {
                c = (method, target, body) -> List.<String[]>of(new String[] {"Authorization", "Bearer garbage"},
                        new String[] {"Authorization", "Bearer " + TestApp.ADMIN_TOKEN});
                what = "two Authorization headers";
            }
            case 9 -> {
                c = Draft.header(HmacSignature.WORKER_HEADER, f.signedWorker);
                what = "only the signature's worker header";
            }
            case 10, 11 -> {
                String ts = Hostile.pick(r, List.of("99999999999999999999", "-1", "1e30", "", "0", "abc",
                        "9223372036854775807", String.valueOf(System.currentTimeMillis())));
                String sig = Hostile.pick(r, List.of("", "00", "zz", "a".repeat(64), "A".repeat(5000)));
                c = (method, target, body) -> List.of(new String[] {HmacSignature.WORKER_HEADER, f.signedWorker},
                        new String[] {HmacSignature.TIMESTAMP_HEADER, ts},
                        new String[] {HmacSignature.SIGNATURE_HEADER, sig});
                what = "signature headers with timestamp " + Mutator.printable(ts) + " and signature "
                        + Mutator.printable(sig);
            }
            case 12 -> {
                String worker = Hostile.pick(r, List.of("wrk_nope", "", "\u0000", "%00", "w".repeat(500),
                        Fixtures.EXEC_WORKER));
                c = (method, target, body) -> f.signed(worker, f.signedSecret, method, target, body);
                what = "signed as unknown worker " + Mutator.printable(worker);
            }
            case 13 -> {
                c = (method, target, body) -> f.signed(f.signedWorker, f.signedSecret, method, target + "x", body);
                what = "signature over another target";
            }
            case 14 -> {
                c = (method, target, body) -> {
                    List<String[]> h = new ArrayList<>(f.signed(f.signedWorker, f.signedSecret, method, target, body));
                    h.add(new String[] {"X-Worker-Id", Fixtures.EXEC_WORKER});
                    return h;
                };
                what = "signed, naming another worker in X-Worker-Id";
            }
            case 15 -> {
                c = (method, target, body) -> f.signed(f.signedWorker, f.signedSecret, method, target, body);
                what = "signed by the enrolled worker";
            }
            case 16, 17 -> {
                String token = serverSigned(f, r);
                c = Draft.bearer(token);
                what = "JWT signed with the server's own key, odd claims " + token;
            }
            default -> {
                c = Draft.bearer(Hostile.pick(r, List.of("a.b.c", "..", ".", "eyJ.eyJ.sig", "x".repeat(300),
                        "wrk_" + "0".repeat(32), "00000000-0000-0000-0000-000000000000")));
                what = "a token that is not one";
            }
        }
        d.credential = c;
        d.mutations.add(what);
    }

    /** A JWT signed with a key Vectis does not hold, or not signed, with claims of odd types and ranges. */
    private static String jwt(Random r) {
        String header = Hostile.pick(r, List.of("{\"alg\":\"none\",\"typ\":\"JWT\"}", "{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
                "{\"alg\":\"RS256\"}", "{}", "[]", "{\"alg\":\"HS256\",\"kid\":\"../../x\"}"));
        String claims = Hostile.pick(r, List.of("{\"sub\":\"x\",\"exp\":1e30}", "{\"sub\":\"x\",\"exp\":-1}",
                "{\"sub\":null}", "{\"exp\":\"tomorrow\",\"iat\":9223372036854775808}", "{\"sub\":\"\\u0000\"}",
                "{\"sub\":\"x\",\"gen\":\"x\",\"typ\":\"provider\",\"exp\":99999999999}", "[]", "1", "{\"nbf\":1e300}"));
        String unsigned = b64(header) + "." + b64(claims);
        String signature = header.contains("HS256") ? hmac(unsigned) : Hostile.pick(r, List.of("", "sig", "x"));
        return unsigned + "." + signature;
    }

    /**
     * What only a holder of the server's key could send (for accounts whose tokens calls may end): checks that the claims are read
     * defensively even then (a leaked key must not also be a way to make 500s).
     */
    private static String serverSigned(Fixtures f, Random r) {
        long now = System.currentTimeMillis() / 1000;
        String sub = Hostile.pick(r, List.of(f.victimId, f.providerToRotate, "\\u0000", "x\\ud800", "a".repeat(5000), ""));
        String aud = Hostile.pick(r, List.of("vectis-users", "provider-registry"));
        String extra = Hostile.pick(r, List.of("\"gen\":\"x\"", "\"gen\":1e30", "\"gen\":-1",
                "\"jti\":\"" + "j".repeat(5000) + "\"", "\"jti\":\"a\\u0000\"", "\"jti\":5",
                "\"exp\":1e30", "\"iat\":-5", "\"nbf\":\"soon\"", "\"aud\":[\"" + aud + "\",1]"));
        String claims = "{\"iss\":\"vectis\",\"aud\":\"" + aud + "\",\"sub\":\"" + sub + "\",\"iat\":" + now
                + ",\"exp\":" + (now + 600) + ",\"jti\":\"fuzz-" + r.nextInt(1_000_000) + "\"," + extra + "}";
        String unsigned = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + b64(claims);
        return unsigned + "." + hmac(unsigned, f.app.app().jwtKey().bytes());
    }

    private static String hmac(String text) {
        return hmac(text, "not-the-server-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    }

    private static String hmac(String text, byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    mac.doFinal(text.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
