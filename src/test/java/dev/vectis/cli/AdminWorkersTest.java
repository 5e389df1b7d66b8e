package dev.vectis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.util.Arrays;

/** `vectis admin workers …` over the fleet view (docs/fleet.md): list, show, drain with a running job, resume. */
class AdminWorkersTest {

    @DbTest
    void workersAreListedShownDrainedAndResumed(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            register(app, "cli-w1");
            register(app, "cli-w2");
            Cli cli = Cli.against(app);

            Cli.Result list = cli.admin("workers", "list");
            assertThat(list.exit()).as(list.toString()).isZero();
            assertThat(list.header()).containsExactly("ID", "NAME", "STATE", "CONTRACTS", "LAST HEARD", "JOBS",
                    "SESSIONS", "LABELS");
            assertThat(list.rows()).extracting(r -> r[0]).containsExactly("cli-w1", "cli-w2");
            assertThat(list.rows().get(0)).contains("online", "command-executor", "0/1");

            JsonNode page = cli.admin("workers", "list", "--limit", "1", "--json").json();
            assertThat(page.get("data").get("workers")).hasSize(1);
            assertThat(page.get("data").get("count").asInt()).isEqualTo(2);
            String cursor = page.get("data").get("nextCursor").asText();
            Cli.Result first = cli.admin("workers", "list", "--limit", "1");
            assertThat(first.err()).contains("--cursor " + cursor);
            assertThat(cli.admin("workers", "list", "--limit", "1", "--cursor", cursor).rows())
                    .extracting(r -> r[0]).containsExactly("cli-w2");

            Cli.Result show = cli.admin("workers", "show", "cli-w1");
            assertThat(show.exit()).as(show.toString()).isZero();
            assertThat(show.out().lines()).anyMatch(l -> l.matches("id: +cli-w1"))
                    .anyMatch(l -> l.matches("state: +online"));
            assertThat(cli.admin("workers", "show", "cli-w1", "--json").json().get("data").get("id").asText())
                    .isEqualTo("cli-w1");

            // Drained at once with nothing to finish; draining while a job runs, drained when it ends.
            Cli.Result idle = cli.admin("workers", "drain", "cli-w2", "--reason", "kernel upgrade");
            assertThat(idle.exit()).as(idle.toString()).isZero();
            assertThat(idle.out().strip()).isEqualTo("cli-w2 drained");

            String jobId = app.http.post("/api/jobs/create", "{\"command\": \"make\", \"fileUrl\": "
                    + "\"https://example.com/b.zip\", \"filename\": \"b.zip\"}", TestApp.admin()).json()
                    .get("jobId").asText();
            Http.Response claimed = app.http.get("/api/jobs/get-job?workerId=cli-w1", TestApp.worker());
            assertThat(claimed.json().get("job").get("jobId").asText()).isEqualTo(jobId);
            assertThat(cli.admin("workers", "drain", "cli-w1").out().strip()).isEqualTo("cli-w1 draining");
            assertThat(cli.admin("workers", "list", "--state", "draining").rows()).extracting(r -> r[0])
                    .containsExactly("cli-w1");
            assertThat(app.http.post("/api/jobs/submit-result", "{\"jobId\": \"" + jobId + "\", \"workerId\": "
                    + "\"cli-w1\", \"stdout\": \"\", \"stderr\": \"\", \"exitCode\": 0}", TestApp.worker()).status())
                    .isEqualTo(200);
            assertThat(cli.admin("workers", "show", "cli-w1").out().lines()).anyMatch(l -> l.matches("state: +drained"));

            Cli.Result resumed = cli.admin("workers", "resume", "cli-w1");
            assertThat(resumed.exit()).as(resumed.toString()).isZero();
            assertThat(resumed.out().strip()).isEqualTo("cli-w1 online");
            assertThat(cli.admin("workers", "list", "--state", "drained").rows()).extracting(r -> r[0])
                    .containsExactly("cli-w2");

            assertThat(cli.admin("workers", "maintenance", "cli-w1", "--reason", "disk").out().strip())
                    .isEqualTo("cli-w1 maintenance");
            assertThat(cli.admin("workers", "disable", "cli-w1").out().strip()).isEqualTo("cli-w1 disabled");
            assertThat(cli.admin("workers", "resume", "cli-w1").out().strip()).isEqualTo("cli-w1 online");

            Cli.Result missing = cli.admin("workers", "show", "no-such-worker");
            assertThat(missing.exit()).as(missing.toString()).isEqualTo(4);
            assertThat(missing.err()).contains("HTTP 404: WORKER_NOT_FOUND");
            assertThat(cli.admin("workers", "drain", "no-such-worker").exit()).isEqualTo(4);
            Cli.Result badState = cli.admin("workers", "list", "--state", "asleep");
            assertThat(badState.exit()).as(badState.toString()).isEqualTo(1);
            assertThat(badState.err()).contains("HTTP 400");
            assertThat(Arrays.asList(list.out(), show.out(), idle.out())).noneMatch(s -> s.contains(TestApp.ADMIN_TOKEN));
        }
    }

    private static void register(TestApp app, String id) {
        Http.Response r = app.http.post("/api/workers/register", "{\"workerId\": \"" + id + "\", \"hostname\": \"" + id
                + "\", \"os\": \"linux\", \"cpuCount\": 2, \"version\": \"1.0.0\"}", TestApp.worker());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }
}
