package dev.vectis.api.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

class FleetRegistrationTest {

    static final String SECRET = "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6abcd";

    static Http.Response enrol(TestApp app, String ip, String secret, String... auth) {
        String body = "{" + (ip == null ? "" : "\"ip\":\"" + ip + "\"") + (ip != null && secret != null ? "," : "")
                + (secret == null ? "" : "\"secret\":\"" + secret + "\"") + "}";
        return app.http.post("/api/v1/workers", body, auth.length == 0 ? TestApp.worker() : auth);
    }

    @DbTest
    void enrolmentAnswers201WithIdSubdomainAndIp(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Http.Response r = enrol(app, "203.0.113.5", SECRET);
            assertThat(r.status()).isEqualTo(201);
            JsonNode body = r.json();
            assertThat(body.get("id").asText()).matches("wrk_[A-Za-z0-9_-]{21}");
            assertThat(body.get("subdomain").asText()).matches("worker-[a-z0-9]{8}\\.vectis\\.dev");
            assertThat(body.get("ip").asText()).isEqualTo("203.0.113.5");
            assertThat(body.size()).isEqualTo(3);
            assertThat(r.body()).doesNotContain(SECRET);

            String sealed = app.app().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT secret_sealed FROM workers WHERE id = :id").bind("id", body.get("id").asText())
                    .mapTo(String.class).one());
            assertThat(sealed).startsWith("v1:").doesNotContain(SECRET);
            assertThat(enrol(app, "203.0.113.6", SECRET, TestApp.admin()).status()).isEqualTo(201);
        }
    }

    @DbTest
    void theFleetDomainIsConfigurable(TestDatabase db) {
        try (TestApp app = TestApp.start(db, Map.of("VECTIS_FLEET_DOMAIN", "fleet.example.com"))) {
            assertThat(enrol(app, "203.0.113.5", SECRET).json().get("subdomain").asText())
                    .matches("worker-[a-z0-9]{8}\\.fleet\\.example\\.com");
        }
    }

    @DbTest
    void badInputIs400InTheSpecShape(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Http.Response noIp = enrol(app, null, SECRET);
            assertThat(noIp.status()).isEqualTo(400);
            assertThat(noIp.body()).isEqualTo("{\"error\":\"Invalid request\",\"message\":\"IP address is required\"}");
            for (String bad : List.of("999.1.1.1", "example.com", "1.2.3", "::g", "10.0.0.1/24")) {
                Http.Response r = enrol(app, bad, SECRET);
                assertThat(r.status()).as(bad).isEqualTo(400);
                assertThat(r.json().get("error").asText()).isEqualTo("Invalid request");
                assertThat(r.json().get("message").asText()).contains("IP address");
            }
            assertThat(enrol(app, "203.0.113.5", null).json().get("message").asText()).contains("Secret");
            assertThat(enrol(app, "203.0.113.5", "short").status()).isEqualTo(400);
            assertThat(enrol(app, "203.0.113.5", "x".repeat(31)).status()).isEqualTo(400);
            Http.Response malformed = app.http.post("/api/v1/workers", "{\"ip\":", TestApp.worker());
            assertThat(malformed.status()).isEqualTo(400);
            assertThat(malformed.json().get("error").asText()).isEqualTo("Invalid request");
            Http.Response wrongType = app.http.post("/api/v1/workers", "{\"ip\":5,\"secret\":\"" + SECRET + "\"}",
                    TestApp.worker());
            assertThat(wrongType.status()).isEqualTo(400);
            assertThat(wrongType.json().get("message").asText()).contains("ip");
            int rows = app.app().database().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM workers")
                    .mapTo(Integer.class).one());
            assertThat(rows).isZero();
        }
    }

    @DbTest
    void missingOrWrongTokensAre401(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            String expected = "{\"error\":\"Unauthorized\",\"message\":\"Invalid or missing token\"}";
            Http.Response none = app.http.post("/api/v1/workers", "{\"ip\":\"203.0.113.5\",\"secret\":\"" + SECRET + "\"}");
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.body()).isEqualTo(expected);
            Http.Response wrong = enrol(app, "203.0.113.5", SECRET, "Authorization", "Bearer nope");
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.body()).isEqualTo(expected);
            assertThat(enrol(app, "203.0.113.5", SECRET, "Authorization", "Basic " + TestApp.WORKER_TOKEN).status())
                    .isEqualTo(401);
        }
    }

    @DbTest
    void aSecondEnrolmentForTheSameIpIs409AndOnlyTheOwnerLearnsItsIdentity(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            JsonNode first = enrol(app, "203.0.113.5", SECRET).json();
            Http.Response stranger = enrol(app, "203.0.113.5", "f".repeat(64));
            assertThat(stranger.status()).isEqualTo(409);
            assertThat(stranger.body()).isEqualTo(
                    "{\"error\":\"Worker already exists\",\"message\":\"A worker with this IP is already registered\"}");
            // The owner (same IP, same secret) is the same machine registering again: a 2xx with its identity
            Http.Response owner = enrol(app, "203.0.113.5", SECRET);
            assertThat(owner.status()).isEqualTo(200);
            assertThat(owner.json()).isEqualTo(first);
            assertThat(owner.json().get("id").asText()).isEqualTo(first.get("id").asText());
            assertThat(owner.json().get("subdomain").asText()).isEqualTo(first.get("subdomain").asText());
            assertThat(workers(app)).isEqualTo(1);
        }
    }

    /**
     * install.sh as it is written: it treats anything but 2xx as failure, and after a network
     * failure (the answer lost on the way back) the operator re-runs it, which registers again.
     */
    @DbTest
    void anInstallScriptReSyncAfterALostAnswerGetsTheSameIdentity(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Http.Response lost = enrol(app, "203.0.113.5", SECRET);
            assertThat(lost.status()).as("the server did register it").isEqualTo(201);

            for (int rerun = 1; rerun <= 3; rerun++) {
                Http.Response again = enrol(app, "203.0.113.5", SECRET);
                assertThat(again.status()).as("re-run %d: %s", rerun, again.body()).isBetween(200, 299);
                assertThat(again.json()).as("id, subdomain and ip, nothing more").isEqualTo(lost.json());
            }
            assertThat(workers(app)).as("nothing new created").isEqualTo(1);

            // Another machine's secret on that IP learns nothing of the first
            Http.Response other = enrol(app, "203.0.113.5", "0".repeat(64));
            assertThat(other.status()).isEqualTo(409);
            assertThat(other.body()).doesNotContain(lost.json().get("id").asText())
                    .doesNotContain(lost.json().get("subdomain").asText());
            assertThat(workers(app)).isEqualTo(1);
        }
    }

    @DbTest
    void reSyncsRacingOnTwoNodesCreateOneWorkerAndStrangersGet409(TestDatabase db) throws Exception {
        Path shared = Files.createTempDirectory("vectis-two-nodes");
        Map<String, String> env = Map.of("VECTIS_DATA_DIR", shared.toString());
        try (TestApp a = TestApp.start(db, env); TestApp b = TestApp.start(db, env)) {
            int n = 8;
            CyclicBarrier together = new CyclicBarrier(n);
            ExecutorService pool = Executors.newFixedThreadPool(n);
            try {
                List<Future<Http.Response>> results = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    TestApp node = i % 2 == 0 ? a : b;
                    String secret = i < n / 2 ? SECRET : "9".repeat(64);
                    results.add(pool.submit(() -> {
                        together.await();
                        return enrol(node, "203.0.113.9", secret);
                    }));
                }
                List<Http.Response> owners = new ArrayList<>();
                List<Http.Response> strangers = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    (i < n / 2 ? owners : strangers).add(results.get(i).get());
                }
                // Whichever secret reached the database first owns the IP; every call of the
                // other secret is a 409 that names nothing.
                boolean ownersWon = owners.stream().allMatch(r -> r.status() == 200 || r.status() == 201);
                List<Http.Response> winners = ownersWon ? owners : strangers;
                List<Http.Response> losers = ownersWon ? strangers : owners;
                assertThat(winners).allSatisfy(r -> assertThat(r.status()).isIn(200, 201));
                assertThat(winners).filteredOn(r -> r.status() == 201).hasSize(1);
                assertThat(winners.stream().map(r -> r.json().get("id").asText()).distinct()).hasSize(1);
                assertThat(losers).allSatisfy(r -> {
                    assertThat(r.status()).isEqualTo(409);
                    assertThat(r.json().has("id")).isFalse();
                    assertThat(r.json().has("subdomain")).isFalse();
                });
                assertThat(workers(a)).isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @DbTest
    void theHostnameAnAgentReportsIsStored(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Http.Response named = app.http.post("/api/v1/workers", "{\"ip\":\"203.0.113.5\",\"secret\":\"" + SECRET
                    + "\",\"hostname\":\"gpu-box-01\"}", TestApp.worker());
            assertThat(named.status()).isEqualTo(201);
            // The document's answer, and for a caller speaking Vectis's extensions only the server's pace besides
            assertThat(named.json().fieldNames()).toIterable().containsExactly("id", "subdomain", "ip",
                    "heartbeatIntervalSeconds", "offlineAfterSeconds");
            String id = named.json().get("id").asText();
            assertThat(hostname(app, id)).isEqualTo("gpu-box-01");
            assertThat(app.http.get("/api/v1/workers/" + id, TestApp.admin()).json().get("data").get("hostname")
                    .asText()).isEqualTo("gpu-box-01");

            // The document's request, without a hostname, still works
            Http.Response plain = enrol(app, "203.0.113.6", SECRET);
            assertThat(plain.status()).isEqualTo(201);
            assertThat(hostname(app, plain.json().get("id").asText())).isNull();

            // A re-sync with a new name renames the machine; one without a name keeps it
            assertThat(app.http.post("/api/v1/workers", "{\"ip\":\"203.0.113.5\",\"secret\":\"" + SECRET
                    + "\",\"hostname\":\"gpu-box-02\"}", TestApp.worker()).status()).isEqualTo(200);
            assertThat(hostname(app, id)).isEqualTo("gpu-box-02");
            assertThat(enrol(app, "203.0.113.5", SECRET).status()).isEqualTo(200);
            assertThat(hostname(app, id)).isEqualTo("gpu-box-02");
            // Only the owner renames
            assertThat(app.http.post("/api/v1/workers", "{\"ip\":\"203.0.113.5\",\"secret\":\"" + "7".repeat(64)
                    + "\",\"hostname\":\"evil\"}", TestApp.worker()).status()).isEqualTo(409);
            assertThat(hostname(app, id)).isEqualTo("gpu-box-02");

            for (String bad : List.of("\"" + "h".repeat(256) + "\"", "\"two words\"", "7")) {
                Http.Response r = app.http.post("/api/v1/workers", "{\"ip\":\"203.0.113.7\",\"secret\":\"" + SECRET
                        + "\",\"hostname\":" + bad + "}", TestApp.worker());
                assertThat(r.status()).as(bad).isEqualTo(400);
                assertThat(r.json().get("error").asText()).isEqualTo("Invalid request");
                assertThat(r.json().get("message").asText()).contains("hostname");
            }
            assertThat(workers(app)).isEqualTo(2);
        }
    }

    private static int workers(TestApp app) {
        return app.app().database().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM workers")
                .mapTo(Integer.class).one());
    }

    private static String hostname(TestApp app, String id) {
        return app.app().database().jdbi().withHandle(h -> h.createQuery("SELECT hostname FROM workers WHERE id = :id")
                .bind("id", id).mapTo(String.class).one());
    }

    @DbTest
    void ipv6AddressesAreKeptInCanonicalForm(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Http.Response r = enrol(app, "2001:DB8:0:0:0:0:0:1", SECRET);
            assertThat(r.status()).isEqualTo(201);
            assertThat(r.json().get("ip").asText()).isEqualTo("2001:db8::1");
            assertThat(enrol(app, "2001:db8::1", "e".repeat(64)).status()).isEqualTo(409);
            assertThat(enrol(app, "2001:db8::2", SECRET).status()).isEqualTo(201);
            assertThat(enrol(app, "::ffff:0:1", SECRET).status()).isEqualTo(201);
        }
    }

    @DbTest
    void thirtyConcurrentEnrolmentsAreAllUnique(TestDatabase db) throws Exception {
        try (TestApp app = TestApp.start(db)) {
            int n = 30;
            CyclicBarrier together = new CyclicBarrier(n);
            ExecutorService pool = Executors.newFixedThreadPool(n);
            try {
                List<Future<Http.Response>> results = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    String ip = "198.51.100." + (i + 1);
                    results.add(pool.submit(() -> {
                        together.await();
                        return enrol(app, ip, SECRET);
                    }));
                }
                Set<String> ids = new HashSet<>();
                Set<String> subdomains = new HashSet<>();
                for (Future<Http.Response> f : results) {
                    Http.Response r = f.get();
                    assertThat(r.status()).isEqualTo(201);
                    ids.add(r.json().get("id").asText());
                    subdomains.add(r.json().get("subdomain").asText());
                }
                assertThat(ids).hasSize(n);
                assertThat(subdomains).hasSize(n);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @DbTest
    void racingEnrolmentsOfOneIpCreateOneWorker(TestDatabase db) throws Exception {
        try (TestApp app = TestApp.start(db)) {
            int n = 8;
            CyclicBarrier together = new CyclicBarrier(n);
            ExecutorService pool = Executors.newFixedThreadPool(n);
            try {
                List<Future<Http.Response>> results = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    results.add(pool.submit(() -> {
                        together.await();
                        return enrol(app, "203.0.113.9", SECRET);
                    }));
                }
                int created = 0;
                Set<String> ids = new HashSet<>();
                for (Future<Http.Response> f : results) {
                    Http.Response r = f.get();
                    created += r.status() == 201 ? 1 : 0;
                    assertThat(r.status()).isIn(200, 201);
                    ids.add(r.json().get("id").asText());
                }
                assertThat(created).isEqualTo(1);
                assertThat(ids).hasSize(1);
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
