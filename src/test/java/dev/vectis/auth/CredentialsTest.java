package dev.vectis.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.config.Secret;
import java.io.PrintStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The shared tokens are told apart by their SHA-256, so every comparison is of 32 bytes whatever
 * was presented: a token that differs in length, or shares a prefix, fares like any other.
 */
class CredentialsTest {

    private static final String ADMIN = "admin-token-0123456789abcdef0123456789";
    private static final String WORKER = "worker-token-0123456789abcdef012345";
    private static final String OTHER_WORKER = "another-worker-token-0123456789abcdef";

    private final Credentials credentials = new Credentials(
            AdminCredential.resolve(Optional.of(new Secret(ADMIN)), null, new PrintStream(OutputStream.nullOutputStream())),
            List.of(new Secret(WORKER), new Secret(OTHER_WORKER)));

    @Test
    void eachSharedTokenHasItsRole() {
        assertThat(credentials.roleOf(ADMIN)).isEqualTo(Credentials.Role.ADMIN);
        assertThat(credentials.roleOf(WORKER)).isEqualTo(Credentials.Role.WORKER);
        assertThat(credentials.roleOf(OTHER_WORKER)).isEqualTo(Credentials.Role.WORKER);
    }

    @Test
    void nearMissesAreNobody() {
        for (String presented : new String[] {ADMIN + "x", ADMIN.substring(0, ADMIN.length() - 1), ADMIN.toUpperCase(),
                WORKER + " ", " " + WORKER, WORKER.substring(1), "", "Bearer " + ADMIN}) {
            assertThat(credentials.roleOf(presented)).as(presented).isEqualTo(Credentials.Role.NONE);
        }
        assertThat(credentials.roleOf(null)).isEqualTo(Credentials.Role.NONE);
        assertThat(credentials.roleOfSha256(null)).isEqualTo(Credentials.Role.NONE);
    }

    @Test
    void aTokenHashedOnceGetsTheSameAnswer() {
        assertThat(credentials.roleOfSha256(Tokens.sha256(ADMIN))).isEqualTo(Credentials.Role.ADMIN);
        assertThat(credentials.roleOfSha256(Tokens.sha256(OTHER_WORKER))).isEqualTo(Credentials.Role.WORKER);
        assertThat(credentials.roleOfSha256(Tokens.sha256("nobody"))).isEqualTo(Credentials.Role.NONE);
    }

    @Test
    void namedTokensAreLookedUpByTheirHashAfterTheConfiguredOnes() {
        Principal named = new Principal("tok_1", "ci", Credentials.Role.SUBMITTER);
        java.util.List<String> asked = new java.util.ArrayList<>();
        Credentials withNamed = new Credentials(
                AdminCredential.resolve(Optional.of(new Secret(ADMIN)), null, new PrintStream(OutputStream.nullOutputStream())),
                List.of(new Secret(WORKER)), sha256 -> {
                    asked.add(java.util.HexFormat.of().formatHex(sha256));
                    return java.util.Arrays.equals(sha256, Tokens.sha256("vectis_tok_ci")) ? Optional.of(named)
                            : Optional.empty();
                });
        assertThat(withNamed.principalOfSha256(Tokens.sha256(ADMIN))).isEqualTo(Principal.CONFIGURED_ADMIN);
        assertThat(withNamed.principalOfSha256(Tokens.sha256(WORKER))).isEqualTo(Principal.CONFIGURED_WORKER);
        assertThat(asked).as("configured tokens need no lookup").isEmpty();
        assertThat(withNamed.principalOfSha256(Tokens.sha256("vectis_tok_ci"))).isEqualTo(named);
        assertThat(withNamed.roleOf("vectis_tok_ci")).isEqualTo(Credentials.Role.SUBMITTER);
        assertThat(withNamed.principalOfSha256(Tokens.sha256("other"))).isEqualTo(Principal.NOBODY);
        assertThat(asked).as("the lookup sees only the digest").containsOnly(Tokens.sha256Hex("vectis_tok_ci"),
                Tokens.sha256Hex("other"));
    }

    @Test
    void theAdminTokenIsCheckedByItsHash() {
        AdminCredential admin = AdminCredential.resolve(Optional.of(new Secret(ADMIN)), null,
                new PrintStream(OutputStream.nullOutputStream()));
        assertThat(admin.matches(ADMIN)).isTrue();
        assertThat(admin.matches(ADMIN + "x")).isFalse();
        assertThat(admin.matches(null)).isFalse();
        assertThat(admin.matchesSha256(Tokens.sha256(ADMIN))).isTrue();
        assertThat(admin.matchesSha256(new byte[31])).isFalse();
    }

    @Test
    void hashesAreTheStandardSha256() {
        assertThat(Tokens.sha256Hex("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(Tokens.sha256("abc")).isEqualTo(Tokens.sha256("abc".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
