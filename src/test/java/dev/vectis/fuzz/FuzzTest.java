package dev.vectis.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.testing.DbTest;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A seeded, repeatable fuzz pass over every route of every contract, on H2 and PostgreSQL:
 * each route's valid request (with real credentials, so calls get past authentication) is
 * sent again and again with one thing changed. Any 5xx, any request left unanswered, and any
 * error or stack trace in the server's log fails the test, printing the seed and the request.
 *
 * <p>Settings (system property, else environment variable):
 * <ul>
 * <li>{@code vectis.fuzz.seed} / {@code VECTIS_FUZZ_SEED}: the seed (default {@value #DEFAULT_SEED});</li>
 * <li>{@code vectis.fuzz.rounds} / {@code VECTIS_FUZZ_ROUNDS}: requests per route (default {@value #DEFAULT_ROUNDS});</li>
 * <li>{@code vectis.fuzz.routes} / {@code VECTIS_FUZZ_ROUTES}: only routes whose "METHOD /path" contains this.</li>
 * </ul>
 * A longer soak: {@code ./mvnw -B test -Dtest=FuzzTest -Dvectis.fuzz.rounds=1000 -Dvectis.fuzz.seed=$RANDOM}.
 */
class FuzzTest {

    static final long DEFAULT_SEED = 20_251_111L;
    static final int DEFAULT_ROUNDS = 50;

    @DbTest
    void everyRegisteredRouteIsInTheFuzzTable(TestDatabase db) {
        try (TestApp app = start(db)) {
            Set<String> table = FuzzTable.routes().stream().map(FuzzRoute::key).collect(Collectors.toSet());
            Set<String> served = new TreeSet<>(app.app().routes());
            assertThat(served).as("routes the server registers but FuzzTable has no valid request for")
                    .allMatch(table::contains, "in FuzzTable");
            assertThat(new TreeSet<>(table)).as("FuzzTable entries the server does not register")
                    .allMatch(served::contains, "registered");
        }
    }

    @DbTest
    void noInputMakesAServerError(TestDatabase db) {
        long seed = Long.parseLong(setting("vectis.fuzz.seed", "VECTIS_FUZZ_SEED", Long.toString(DEFAULT_SEED)));
        int rounds = Integer.parseInt(setting("vectis.fuzz.rounds", "VECTIS_FUZZ_ROUNDS",
                Integer.toString(DEFAULT_ROUNDS)));
        String only = setting("vectis.fuzz.routes", "VECTIS_FUZZ_ROUTES", "");
        List<String> failures = new ArrayList<>();
        Map<String, Long> millis = new java.util.HashMap<>();
        int sent = 0;
        try (TestApp app = start(db); LogWatch log = LogWatch.attach()) {
            Fixtures f = Fixtures.create(app);
            Mutator mutator = new Mutator(f);
            RawClient client = new RawClient(app.app().port(), 30_000);
            for (FuzzRoute route : FuzzTable.routes()) {
                if (!route.key().contains(only)) {
                    continue;
                }
                Random random = new Random(seed * 1_000_003L + (route.key() + " " + route.auth).hashCode());
                // A stream with valid credentials stays open on the server until it notices the client left.
                int n = route.stream ? Math.max(3, rounds / 3) : rounds;
                long began = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    FuzzRequest request = mutator.next(route, random);
                    log.during(route.key() + " round " + i + "\n" + request.describe());
                    RawClient.Answer answer = client.send(request);
                    sent++;
                    route.after.accept(f, answer);
                    if (answer.serverError()) {
                        failures.add(route.key() + " as " + route.auth + ", round " + i + "\n" + request.describe()
                                + "\n--> " + answer);
                    }
                }
                millis.merge(route.key(), (System.nanoTime() - began) / 1_000_000, Long::sum);
            }
            System.out.println("Fuzz pass on " + db.engine() + ": " + sent + " requests; slowest routes (ms): "
                    + millis.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
            log.during("(after the last request)");
            String repeat = "seed " + seed + " (repeat with -Dvectis.fuzz.seed=" + seed + " -Dvectis.fuzz.rounds="
                    + rounds + "), " + sent + " requests on " + db.engine();
            assertThat(failures).as("server errors, " + repeat + ":\n\n" + String.join("\n\n", failures)).isEmpty();
            assertThat(log.problems()).as("errors or stack traces in the server's log, " + repeat + ":\n\n"
                    + String.join("\n\n", log.problems())).isEmpty();
        }
    }

    static TestApp start(TestDatabase db) {
        // The fuzz client is a trusted proxy, so the X-Forwarded-For it makes up is believed and used.
        // Its VPS sessions are bought on a worker that is not there: the breaker must not close that path.
        return TestApp.start(db, Map.of("VECTIS_PROVIDERS_BCRYPT_COST", "4", "VECTIS_SERVER_TRUSTED_PROXIES",
                "127.0.0.1", "VECTIS_MARKETPLACE_BREAKER_FAILURES", "1000"));
    }

    private static String setting(String property, String env, String fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
