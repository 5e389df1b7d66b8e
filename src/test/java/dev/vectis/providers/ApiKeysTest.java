package dev.vectis.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.auth.Passwords;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

    private final ApiKeys keys = new ApiKeys(new Passwords(4));

    @Test
    void keysAreRandomPrefixedAndFoundByAClearPart() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            ApiKeys.Issued issued = keys.issue();
            assertThat(issued.key()).matches("pk_[A-Za-z0-9_-]{43}");
            assertThat(issued.lookup()).isEqualTo(issued.key().substring(3, 15));
            assertThat(ApiKeys.lookup(issued.key())).contains(issued.lookup());
            assertThat(issued.hash()).startsWith("$2").doesNotContain(issued.key().substring(3));
            seen.add(issued.key());
        }
        assertThat(seen).hasSize(20);
        assertThat(ApiKeys.lookup("pk_short")).isEmpty();
        assertThat(ApiKeys.lookup("sk_" + "A".repeat(43))).isEmpty();
        assertThat(ApiKeys.lookup(null)).isEmpty();
    }

    @Test
    void onlyTheIssuedKeyVerifiesAndNothingVerifiesWithoutAStoredHash() {
        ApiKeys.Issued issued = keys.issue();
        assertThat(keys.verify(issued.key(), Optional.of(issued.hash()))).isTrue();
        assertThat(keys.verify(keys.issue().key(), Optional.of(issued.hash()))).isFalse();
        assertThat(keys.verify(issued.key(), Optional.empty())).isFalse();
        assertThat(keys.verify(null, Optional.of(issued.hash()))).isFalse();
        assertThat(keys.verify(issued.key(), Optional.of("not a bcrypt hash"))).isFalse();
    }

    @Test
    void everyByteOfALongSecretCounts() {
        Passwords passwords = new Passwords(4);
        String base = "pk_" + "x".repeat(100);
        String hash = passwords.hash(base + "a");
        assertThat(passwords.matches(base + "a", hash)).isTrue();
        assertThat(passwords.matches(base + "b", hash)).isFalse();
    }
}
