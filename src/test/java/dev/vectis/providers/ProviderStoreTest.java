package dev.vectis.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vectis.auth.Jwt;
import dev.vectis.config.ConfigLoader;
import dev.vectis.db.Database;
import dev.vectis.db.Page;
import dev.vectis.db.UniqueViolation;
import dev.vectis.error.ConflictException;
import dev.vectis.error.VectisException;
import dev.vectis.events.EventLog;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The providers table's guarantees, checked on both engines below the HTTP layer. */
class ProviderStoreTest {

    private final MutableClock clock = new MutableClock();

    private ProviderServices services(Database db) {
        return ProviderServices.create(db.jdbi(), clock, new EventLog(db.jdbi(), clock),
                new Jwt(new byte[32], "vectis", clock),
                ConfigLoader.fromEnvironment(Path.of("."), Map.of("VECTIS_PROVIDERS_BCRYPT_COST", "4")));
    }

    private static ProviderFields fields(ProviderServices s, String email) {
        ObjectNode body = ProviderRulesTest.valid().put("email", email);
        return s.rules().registration(body);
    }

    @DbTest
    void pagesWalkThroughProvidersCreatedInTheSameMillisecond(TestDatabase tdb) {
        try (Database db = tdb.open()) {
            ProviderServices s = services(db);
            List<String> created = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                created.add(s.registry().register(fields(s, "p" + i + "@acme.com")).provider().id());
            }
            List<String> seen = new ArrayList<>();
            String cursor = null;
            do {
                Page<Provider> page = s.approvals().list(null, cursor, 3);
                assertThat(page.total()).isEqualTo(7);
                page.items().forEach(p -> seen.add(p.id()));
                cursor = page.nextCursor();
            } while (cursor != null);
            assertThat(seen).isEqualTo(created.stream().sorted(Comparator.reverseOrder()).toList());
        }
    }

    @DbTest
    void theSchemaItselfRefusesADuplicateEmailInAnotherCaseAndUnknownStatuses(TestDatabase tdb) {
        try (Database db = tdb.open()) {
            ProviderServices s = services(db);
            s.registry().register(fields(s, "Admin@Acme.com"));
            String insert = "INSERT INTO providers (id, name, email, email_lower, public_key, endpoints, status, "
                    + "key_lookup, key_hash, key_created_at, terms_accepted_at, created_at, updated_at) VALUES "
                    + "(:id, 'n', :email, :lower, 'k', '[]', :status, :lookup, 'h', 0, 0, 0, 0)";
            assertThatThrownBy(() -> db.jdbi().useHandle(h -> h.createUpdate(insert).bind("id", "x1")
                    .bind("email", "ADMIN@acme.COM").bind("lower", "admin@acme.com").bind("status", "pending")
                    .bind("lookup", "lookup-1").execute())).satisfies(e -> assertThat(UniqueViolation.in(e)).isTrue());
            assertThatThrownBy(() -> db.jdbi().useHandle(h -> h.createUpdate(insert).bind("id", "x2")
                    .bind("email", "New@acme.com").bind("lower", "New@acme.com").bind("status", "pending")
                    .bind("lookup", "lookup-2").execute())).isNotNull();
            assertThatThrownBy(() -> db.jdbi().useHandle(h -> h.createUpdate(insert).bind("id", "x3")
                    .bind("email", "new@acme.com").bind("lower", "new@acme.com").bind("status", "banned")
                    .bind("lookup", "lookup-3").execute())).isNotNull();
            assertThatThrownBy(() -> s.registry().register(fields(s, "ADMIN@ACME.COM")))
                    .isInstanceOfSatisfying(VectisException.class, e -> {
                        assertThat(e.kind()).isEqualTo(VectisException.Kind.CONFLICT);
                        assertThat(e.violations()).extracting(v -> v.code()).containsExactly("EMAIL_TAKEN");
                    });
        }
    }

    @DbTest
    void ofTwoOperatorsActingAtOnceOneWins(TestDatabase tdb) throws Exception {
        try (Database db = tdb.open()) {
            ProviderServices s = services(db);
            for (int round = 0; round < 5; round++) {
                String id = s.registry().register(fields(s, "r" + round + "@acme.com")).provider().id();
                CyclicBarrier together = new CyclicBarrier(2);
                ExecutorService pool = Executors.newFixedThreadPool(2);
                try {
                    Future<Object> reject = pool.submit(() -> {
                        together.await();
                        return outcome(() -> s.approvals().reject(id, "no"));
                    });
                    Future<Object> suspend = pool.submit(() -> {
                        together.await();
                        return outcome(() -> s.approvals().suspend(id, "hold"));
                    });
                    List<Object> outcomes = List.of(reject.get(), suspend.get());
                    assertThat(outcomes).filteredOn(o -> o instanceof Provider).hasSize(1);
                    assertThat(outcomes).filteredOn(o -> o instanceof ConflictException).hasSize(1);
                    long changes = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM events WHERE "
                            + "type IN ('provider.rejected', 'provider.suspended') AND data LIKE :id")
                            .bind("id", "%" + id + "%").mapTo(Long.class).one());
                    assertThat(changes).isEqualTo(1);
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }

    @DbTest
    void aRotatedKeyReplacesTheOldOneInOneStep(TestDatabase tdb) {
        try (Database db = tdb.open()) {
            ProviderServices s = services(db);
            NewProvider r = s.registry().register(fields(s, "a@acme.com"));
            String fresh = s.registry().rotateKey(r.provider());
            assertThatThrownBy(() -> s.sessions().authenticate(r.provider().id(), r.apiKey()))
                    .hasMessageContaining("Invalid provider ID or API key");
            assertThat(s.sessions().authenticate(r.provider().id(), fresh).token()).isNotBlank();
            s.approvals().suspend(r.provider().id(), null);
            assertThatThrownBy(() -> s.registry().rotateKey(r.provider()))
                    .isInstanceOfSatisfying(VectisException.class, e -> assertThat(e.code()).isEqualTo("PROVIDER_SUSPENDED"));
            assertThatThrownBy(() -> s.sessions().authenticate(r.provider().id(), fresh))
                    .isInstanceOfSatisfying(VectisException.class, e -> assertThat(e.code()).isEqualTo("PROVIDER_SUSPENDED"));
        }
    }

    private static Object outcome(java.util.function.Supplier<Provider> action) {
        try {
            return action.get();
        } catch (ConflictException e) {
            return e;
        }
    }
}
