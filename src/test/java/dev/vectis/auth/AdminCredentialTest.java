package dev.vectis.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.config.Secret;
import dev.vectis.db.Database;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

class AdminCredentialTest {

    @DbTest
    void nodesStartingTogetherAgreeOnOneGeneratedToken(TestDatabase db) throws Exception {
        int nodes = 4;
        List<Database> databases = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            databases.add(db.open());
        }
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            CyclicBarrier together = new CyclicBarrier(nodes);
            List<ByteArrayOutputStream> consoles = new ArrayList<>();
            List<Future<AdminCredential>> results = new ArrayList<>();
            for (Database database : databases) {
                ByteArrayOutputStream console = new ByteArrayOutputStream();
                consoles.add(console);
                results.add(pool.submit(() -> {
                    together.await();
                    return AdminCredential.resolve(Optional.empty(), database.jdbi(),
                            new PrintStream(console, true, StandardCharsets.UTF_8));
                }));
            }
            List<AdminCredential> credentials = new ArrayList<>();
            for (Future<AdminCredential> f : results) {
                credentials.add(f.get());
            }
            List<String> printed = consoles.stream().map(c -> c.toString(StandardCharsets.UTF_8))
                    .filter(s -> s.startsWith("Admin token: ")).toList();
            assertThat(printed).hasSize(1);
            String token = printed.get(0).lines().findFirst().orElseThrow().substring("Admin token: ".length());
            assertThat(token).startsWith("vectis_admin_").hasSizeGreaterThan(40);
            assertThat(credentials).allMatch(c -> c.matches(token));
            String stored = databases.get(0).jdbi().withHandle(h -> h.createQuery("SELECT hash FROM server_secrets")
                    .mapTo(String.class).one());
            assertThat(stored).isEqualTo(Tokens.sha256Hex(token)).doesNotContain(token);
        } finally {
            pool.shutdownNow();
            databases.forEach(Database::close);
        }
    }

    @DbTest
    void configuredTokenWinsAndIsNotStored(TestDatabase db) {
        try (Database database = db.open()) {
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            AdminCredential admin = AdminCredential.resolve(Optional.of(new Secret("my-own-admin-token")),
                    database.jdbi(), new PrintStream(console));
            assertThat(admin.matches("my-own-admin-token")).isTrue();
            assertThat(admin.matches("my-own-admin-tokeN")).isFalse();
            assertThat(admin.matches(null)).isFalse();
            assertThat(console.size()).isZero();
            int rows = database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM server_secrets")
                    .mapTo(Integer.class).one());
            assertThat(rows).isZero();
        }
    }
}
