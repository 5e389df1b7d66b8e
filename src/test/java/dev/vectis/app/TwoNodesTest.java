package dev.vectis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Two Vectis nodes on one database behave as one server: the database, not a node's memory, decides. */
class TwoNodesTest {

    @DbTest
    void aJobCreatedOnOneNodeIsClaimedOnceAcrossBoth(TestDatabase db) throws Exception {
        try (TestApp a = TestApp.start(db); TestApp b = TestApp.start(db)) {
            a.http.post("/api/workers/register", "{\"workerId\":\"w1\",\"hostname\":\"h1\",\"maxJobs\":100}",
                    TestApp.worker());
            b.http.post("/api/workers/register", "{\"workerId\":\"w2\",\"hostname\":\"h2\",\"maxJobs\":100}",
                    TestApp.worker());
            int jobs = 40;
            for (int i = 0; i < jobs; i++) {
                (i % 2 == 0 ? a : b).http.post("/api/jobs/create", "{\"command\":\"echo " + i + "\","
                        + "\"fileUrl\":\"/uploads/x.zip\",\"filename\":\"x.zip\"}", TestApp.admin());
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<CompletableFuture<List<String>>> pollers = new ArrayList<>();
                for (String[] poller : new String[][] {{"a", "w1"}, {"b", "w1"}, {"a", "w2"}, {"b", "w2"}}) {
                    Http http = poller[0].equals("a") ? a.http : b.http;
                    pollers.add(CompletableFuture.supplyAsync(() -> {
                        List<String> got = new ArrayList<>();
                        while (true) {
                            Http.Response r = http.get("/api/jobs/get-job?workerId=" + poller[1], TestApp.worker());
                            if (r.status() != 200) {
                                return got;
                            }
                            got.add(r.json().get("job").get("jobId").asText());
                        }
                    }, pool));
                }
                List<String> all = new ArrayList<>();
                for (CompletableFuture<List<String>> p : pollers) {
                    all.addAll(p.get(60, TimeUnit.SECONDS));
                }
                Set<String> distinct = new HashSet<>(all);
                assertThat(all).hasSize(jobs);
                assertThat(distinct).hasSize(jobs);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @DbTest
    void aGeneratedAdminTokenIsShared(TestDatabase db) {
        try (TestApp a = TestApp.start(db, Map.of("VECTIS_ADMIN_TOKEN", ""));
             TestApp b = TestApp.start(db, Map.of("VECTIS_ADMIN_TOKEN", ""))) {
            String printed = a.console().lines().filter(l -> l.startsWith("Admin token: ")).findFirst()
                    .map(l -> l.substring("Admin token: ".length())).orElseThrow();
            assertThat(b.console()).doesNotContain("Admin token: ");
            assertThat(b.http.get("/api/workers/register", "Authorization", "Bearer " + printed).status())
                    .isEqualTo(200);
        }
    }

    @DbTest
    void aHeartbeatOnOneNodeKeepsTheWorkerKnownOnTheOther(TestDatabase db) {
        try (TestApp a = TestApp.start(db); TestApp b = TestApp.start(db)) {
            a.http.post("/api/workers/register", "{\"workerId\":\"w1\",\"hostname\":\"h1\"}", TestApp.worker());
            assertThat(b.http.post("/api/workers/heartbeat", "{\"workerId\":\"w1\"}", TestApp.worker()).status())
                    .isEqualTo(200);
            assertThat(b.http.post("/api/workers/heartbeat", "{\"workerId\":\"nobody\"}", TestApp.worker()).status())
                    .isEqualTo(404);
        }
    }
}
