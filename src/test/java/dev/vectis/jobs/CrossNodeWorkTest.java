package dev.vectis.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.junit.jupiter.api.Assumptions;

/**
 * Three nodes on one PostgreSQL database: a job created on one reaches a long poll waiting on
 * another through a notification. The waiting node's own re-check is set to an hour, so only
 * the notification can end a wait within the test's bounds.
 */
class CrossNodeWorkTest {

    /** Far below the polls' own wait and the hour-long re-check: only a notification gets there first. */
    private static final Duration HANDOVER = Duration.ofSeconds(5);
    private static final String JOB = "{\"command\":\"echo hi\",\"fileUrl\":\"/uploads/x.zip\",\"filename\":\"x.zip\"}";

    @DbTest
    void aJobCreatedOnCIsHandedToOnePollWaitingOnAExactlyOnce(TestDatabase db) throws Exception {
        Assumptions.assumeTrue(db.isPostgres(), "notifications between nodes are PostgreSQL's");
        try (TestApp a = TestApp.start(db); TestApp b = TestApp.start(db); TestApp c = TestApp.start(db)) {
            int pollers = 4;
            for (int i = 0; i < pollers; i++) {
                register(a, "w" + i);
            }
            register(b, "other");
            AtomicInteger looks = countLooks(a);
            a.app().features().jobs().recheckEvery(Duration.ofHours(1));
            ExecutorService pool = Executors.newFixedThreadPool(pollers);
            try {
                List<CompletableFuture<Http.Response>> polls = new ArrayList<>();
                for (int i = 0; i < pollers; i++) {
                    String path = "/api/jobs/get-job?wait=25&workerId=w" + i;
                    polls.add(CompletableFuture.supplyAsync(() -> a.http.get(path, TestApp.worker()), pool));
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> looks.get() == pollers && waiting(a) == pollers);
                int before = looks.get();

                String jobId = create(c);

                await().atMost(HANDOVER).until(() -> polls.stream().anyMatch(CompletableFuture::isDone));
                List<Http.Response> answered = polls.stream().filter(CompletableFuture::isDone)
                        .map(CompletableFuture::join).toList();
                assertThat(answered).hasSize(1);
                assertThat(answered.get(0).status()).as(answered.get(0).body()).isEqualTo(200);
                assertThat(answered.get(0).json().get("job").get("jobId").asText()).isEqualTo(jobId);
                // The others went back to waiting: A woke one of its polls for the one job, not all of them.
                await().atMost(Duration.ofSeconds(10)).until(() -> waiting(a) == pollers - 1);
                assertThat(looks.get() - before).as("looks on A for one job among %d waiting polls", pollers)
                        .isLessThanOrEqualTo(2);

                assertThat(b.http.get("/api/jobs/get-job?workerId=other", TestApp.worker()).status())
                        .as("nothing left for a poll on another node").isEqualTo(202);
                assertThat(runningEvents(a, jobId)).as("the job was handed over once").isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @DbTest
    void notificationsFlowAgainAfterTheListeningConnectionIsKilled(TestDatabase db) throws Exception {
        Assumptions.assumeTrue(db.isPostgres(), "notifications between nodes are PostgreSQL's");
        try (TestApp a = TestApp.start(db); TestApp b = TestApp.start(db); TestApp c = TestApp.start(db)) {
            register(a, "w1");
            a.app().features().jobs().recheckEvery(Duration.ofHours(1));
            assertThat(metric(a, "vectis_notifications_connects_total")).isEqualTo(1);
            assertThat(metric(a, "vectis_notifications_listening")).isEqualTo(1);

            int killed = a.app().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    + "WHERE datname = current_database() AND application_name = 'vectis-listener'")
                    .mapTo(Integer.class).one());
            assertThat(killed).as("one listening connection per node").isEqualTo(3);
            await().atMost(Duration.ofSeconds(20)).until(() -> metric(a, "vectis_notifications_connects_total") >= 2
                    && metric(a, "vectis_notifications_listening") == 1);

            CompletableFuture<Http.Response> poll = CompletableFuture.supplyAsync(
                    () -> a.http.get("/api/jobs/get-job?wait=25&workerId=w1", TestApp.worker()));
            await().atMost(Duration.ofSeconds(10)).until(() -> waiting(a) == 1);
            String jobId = create(c);
            Http.Response got = poll.get(HANDOVER.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(got.status()).as(got.body()).isEqualTo(200);
            assertThat(got.json().get("job").get("jobId").asText()).isEqualTo(jobId);
        }
    }

    private static void register(TestApp app, String workerId) {
        Http.Response r = app.http.post("/api/workers/register", "{\"workerId\":\"" + workerId
                + "\",\"hostname\":\"h\",\"maxJobs\":1}", TestApp.worker());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    private static String create(TestApp app) {
        Http.Response r = app.http.post("/api/jobs/create", JOB, TestApp.admin());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("jobId").asText();
    }

    private static int waiting(TestApp app) {
        return app.app().features().jobs().events().pollers().waiting();
    }

    /** Counts the node's looks for a pending job: each one a poll that was woken or just arrived. */
    private static AtomicInteger countLooks(TestApp app) {
        AtomicInteger looks = new AtomicInteger();
        app.app().database().jdbi().setSqlLogger(new SqlLogger() {
            @Override
            public void logBeforeExecution(StatementContext context) {
                if (context.getRenderedSql().contains(JobStore.LOOK)) {
                    looks.incrementAndGet();
                }
            }
        });
        return looks;
    }

    private static int runningEvents(TestApp app, String jobId) {
        return app.app().database().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM job_events "
                + "WHERE job_id = :j AND kind = 'status' AND data LIKE '%\"running\"%'").bind("j", jobId)
                .mapTo(Integer.class).one());
    }

    /** One sample of the node's Prometheus text, summed over its labels. */
    static double metric(TestApp app, String name) {
        String text = app.http.get("/metrics").body();
        return text.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
