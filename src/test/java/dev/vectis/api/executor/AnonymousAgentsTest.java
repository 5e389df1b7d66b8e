package dev.vectis.api.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.Http;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import dev.vectis.testing.DbTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Unmodified agents that poll without identity (command-executor.md's own agent), several
 * behind one address or each behind its own, next to a fleet-enrolled agent that never
 * polls this contract: every job runs exactly once and every report is accepted.
 */
class AnonymousAgentsTest {

    private static final Map<String, String> AUTH_NONE = Map.of("VECTIS_EXECUTOR_AUTH", "none");
    private static final Duration STEP = Duration.ofSeconds(5);
    private static final int JOBS = 24;

    @DbTest
    void threeAgentsBehindOneAddressRunEveryJobOnceBesideAFleetAgentThatNeverPolls(TestDatabase db) throws Exception {
        MutableClock clock = new MutableClock();
        try (TestApp app = TestApp.start(db, AUTH_NONE, clock)) {
            // Enrolled first, so the spec's "first idle worker" would have picked it
            JsonNode fleet = enrolFleetAgent(app, "127.0.0.1");
            List<SpecAgent> agents = List.of(new SpecAgent(app.http, "agent-1"), new SpecAgent(app.http, "agent-2"),
                    new SpecAgent(app.http, "agent-3"));
            agents.forEach(SpecAgent::register);

            Set<String> jobs = createJobs(app);
            run(clock, agents, jobs);

            assertEveryJobRanOnceAndEveryReportWasAccepted(app, agents, jobs, fleet.get("id").asText());
            assertEveryWorkerIsListedWithAHostname(app, agents, fleet);
        }
    }

    @DbTest
    void agentsEachBehindTheirOwnAddressOrSharingOneRunEveryJobOnce(TestDatabase db) throws Exception {
        MutableClock clock = new MutableClock();
        Map<String, String> env = new HashMap<>(AUTH_NONE);
        env.put("VECTIS_SERVER_TRUSTED_PROXIES", "127.0.0.1/32");
        try (TestApp app = TestApp.start(db, env, clock)) {
            JsonNode fleet = enrolFleetAgent(app, "198.51.100.3");
            List<SpecAgent> agents = List.of(
                    new SpecAgent(app.http, "solo-1", "X-Forwarded-For", "198.51.100.1"),
                    new SpecAgent(app.http, "solo-2", "X-Forwarded-For", "198.51.100.2"),
                    new SpecAgent(app.http, "shared-1", "X-Forwarded-For", "198.51.100.3"),
                    new SpecAgent(app.http, "shared-2", "X-Forwarded-For", "198.51.100.3"));
            agents.forEach(SpecAgent::register);

            Set<String> jobs = createJobs(app);
            run(clock, agents, jobs);

            assertEveryJobRanOnceAndEveryReportWasAccepted(app, agents, jobs, fleet.get("id").asText());
            for (SpecAgent agent : agents) {
                assertThat(agent.ran).as("%s had work", agent.workerId).isNotEmpty();
            }
        }
    }

    @DbTest
    void whenTheAddressNamesOneWorkerThatWorkerHasTheJobAndNoOtherMayReport(TestDatabase db) {
        Map<String, String> env = new HashMap<>(AUTH_NONE);
        env.put("VECTIS_SERVER_TRUSTED_PROXIES", "127.0.0.1/32");
        try (TestApp app = TestApp.start(db, env)) {
            String[] first = {"X-Forwarded-For", "198.51.100.1"};
            String[] second = {"X-Forwarded-For", "198.51.100.2"};
            register(app, "agent-a", first);
            register(app, "agent-b", second);
            String jobId = createJob(app);

            // A poll from an address no agent was heard from is nobody's
            assertThat(app.http.get("/api/jobs/get-job", "X-Forwarded-For", "198.51.100.9").status()).isEqualTo(202);
            Http.Response poll = app.http.get("/api/jobs/get-job", second);
            assertThat(poll.status()).isEqualTo(200);
            assertThat(poll.json().get("job").get("jobId").asText()).isEqualTo(jobId);
            JsonNode running = status(app, jobId);
            assertThat(running.get("status").asText()).isEqualTo("running");
            assertThat(running.get("workerId").asText()).isEqualTo("agent-b");

            Http.Response wrong = report(app, jobId, "agent-a", first);
            assertThat(wrong.status()).isEqualTo(403);
            assertThat(wrong.json().get("error").asText()).isEqualTo("Worker is not assigned to this job");
            assertThat(report(app, jobId, "agent-b", second).status()).isEqualTo(200);
            assertThat(status(app, jobId).get("status").asText()).isEqualTo("completed");
        }
    }

    @DbTest
    void aJobHeldForASharedAddressIsRunningWithoutAWorkerUntilItsFirstReport(TestDatabase db) {
        try (TestApp app = TestApp.start(db, AUTH_NONE)) {
            register(app, "agent-1", new String[0]);
            register(app, "agent-2", new String[0]);
            String jobId = createJob(app);
            Http.Response poll = app.http.get("/api/jobs/get-job");
            assertThat(poll.status()).isEqualTo(200);

            JsonNode held = status(app, jobId);
            assertThat(held.get("status").asText()).isEqualTo("running");
            assertThat(held.get("workerId").isNull()).isTrue();
            assertThat(held.get("startedAt").isIntegralNumber()).isTrue();
            // Neither agent is told to stop: it may be either one's
            for (String agent : List.of("agent-1", "agent-2")) {
                assertThat(app.http.get("/api/jobs/check-cancel?jobId=" + jobId + "&workerId=" + agent).json()
                        .get("cancelled").asBoolean()).isFalse();
            }
            // Two agents there, one job out: the other agent may still get one, not a third
            createJob(app);
            createJob(app);
            assertThat(app.http.get("/api/jobs/get-job").status()).isEqualTo(200);
            Http.Response full = app.http.get("/api/jobs/get-job");
            assertThat(full.status()).isEqualTo(202);
            assertThat(full.json().get("message").asText()).isEqualTo("No idle workers available");

            assertThat(report(app, jobId, "agent-2", new String[0]).status()).isEqualTo(200);
            JsonNode done = status(app, jobId);
            assertThat(done.get("status").asText()).isEqualTo("completed");
            assertThat(done.get("workerId").asText()).isEqualTo("agent-2");
            assertThat(app.http.get("/api/jobs/get-job").status()).isEqualTo(200);
        }
    }

    // ================================================================ helpers

    /** Steps every agent forward 5 s at a time (heartbeats every other step) until all jobs ran. */
    private static void run(MutableClock clock, List<SpecAgent> agents, Set<String> jobs) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(agents.size());
        try {
            for (int step = 1; step <= 50 * JOBS && ran(agents) < jobs.size(); step++) {
                clock.advance(STEP);
                List<CompletableFuture<Void>> moves = new ArrayList<>();
                for (SpecAgent agent : agents) {
                    boolean beat = step % 2 == 0;
                    moves.add(CompletableFuture.runAsync(() -> {
                        if (beat) {
                            agent.heartbeat();
                        }
                        agent.step();
                    }, pool));
                }
                CompletableFuture.allOf(moves.toArray(CompletableFuture[]::new)).get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static int ran(List<SpecAgent> agents) {
        return agents.stream().mapToInt(a -> a.ran.size()).sum();
    }

    private static void assertEveryJobRanOnceAndEveryReportWasAccepted(TestApp app, List<SpecAgent> agents,
                                                                      Set<String> jobs, String fleetId) {
        List<String> surprises = new ArrayList<>();
        List<String> ran = new ArrayList<>();
        for (SpecAgent agent : agents) {
            surprises.addAll(agent.surprises);
            ran.addAll(agent.ran);
            assertThat(agent.attempts).as("%s only ever got first attempts", agent.workerId).containsOnly(1);
        }
        assertThat(surprises).as("answers a working agent does not expect").isEmpty();
        assertThat(ran).as("each job ran once").doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(jobs);
        for (SpecAgent agent : agents) {
            for (String jobId : agent.ran) {
                JsonNode s = status(app, jobId);
                assertThat(s.get("status").asText()).isEqualTo("completed");
                assertThat(s.get("workerId").asText()).isEqualTo(agent.workerId);
                assertThat(s.get("stdout").asText()).isEqualTo(SpecAgent.output(jobId, agent.workerId));
                assertThat(s.get("errorMessage").isNull()).isTrue();
            }
        }
        // The fleet agent went silent long ago in the test's time and was never given anything to lose
        await().atMost(Duration.ofSeconds(20)).until(() -> "offline".equals(listed(app, fleetId).get("status").asText()));
        JsonNode list = app.http.get("/api/jobs/create?limit=1000").json();
        assertThat(list.get("count").asInt()).isEqualTo(jobs.size());
        for (JsonNode job : list.get("jobs")) {
            assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
            assertThat(job.get("workerId").asText()).isNotEqualTo(fleetId);
        }
    }

    private static void assertEveryWorkerIsListedWithAHostname(TestApp app, List<SpecAgent> agents, JsonNode fleet) {
        JsonNode workers = app.http.get("/api/workers/register").json().get("workers");
        assertThat(workers).hasSize(agents.size() + 1);
        for (JsonNode w : workers) {
            assertThat(w.get("hostname").isTextual()).as(w.toString()).isTrue();
            assertThat(w.get("hostname").asText()).as(w.toString()).isNotBlank();
        }
        for (SpecAgent agent : agents) {
            assertThat(listed(app, agent.workerId).get("hostname").asText()).isEqualTo(agent.hostname);
        }
        // Enrolled without a hostname: its subdomain is its name on the network
        assertThat(listed(app, fleet.get("id").asText()).get("hostname").asText())
                .isEqualTo(fleet.get("subdomain").asText());
    }

    private static JsonNode listed(TestApp app, String workerId) {
        for (JsonNode w : app.http.get("/api/workers/register").json().get("workers")) {
            if (w.get("workerId").asText().equals(workerId)) {
                return w;
            }
        }
        throw new AssertionError("no worker " + workerId);
    }

    /** fleet-registration.md's install script: enrols with its address and secret, then never polls here. */
    private static JsonNode enrolFleetAgent(TestApp app, String ip) {
        Http.Response r = app.http.post("/api/v1/workers", "{\"ip\": \"" + ip + "\", \"secret\": \""
                + "a1b2c3d4e5f6".repeat(6) + "\"}", TestApp.worker());
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    private static Set<String> createJobs(TestApp app) {
        Set<String> jobs = new LinkedHashSet<>();
        for (int i = 0; i < JOBS; i++) {
            jobs.add(createJob(app));
        }
        return jobs;
    }

    private static String createJob(TestApp app) {
        Http.Response r = app.http.post("/api/jobs/create", "{\"command\": \"npm install && npm test\", "
                + "\"fileUrl\": \"/uploads/project-123456.zip\", \"filename\": \"project.zip\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("jobId").asText();
    }

    private static void register(TestApp app, String workerId, String[] headers) {
        Http.Response r = app.http.post("/api/workers/register", "{\"workerId\": \"" + workerId
                + "\", \"hostname\": \"pc-" + workerId + "\"}", headers);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    private static Http.Response report(TestApp app, String jobId, String workerId, String[] headers) {
        return app.http.post("/api/jobs/submit-result", "{\"jobId\": \"" + jobId + "\", \"workerId\": \"" + workerId
                + "\", \"stdout\": \"done\", \"stderr\": \"\", \"exitCode\": 0}", headers);
    }

    private static JsonNode status(TestApp app, String jobId) {
        Http.Response r = app.http.get("/api/jobs/status?jobId=" + jobId);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }
}
