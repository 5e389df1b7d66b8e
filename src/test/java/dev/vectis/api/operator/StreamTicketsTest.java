package dev.vectis.api.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.MutableClock;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** Stream tickets: issued over an authenticated call, good once, for one stream, for a short while, on any node. */
class StreamTicketsTest {

    private static final String EVENTS = "/api/v1/events/stream";
    private static final String JOB = "{\"command\": \"echo hi\", \"fileUrl\": \"/uploads/project-1.zip\", "
            + "\"filename\": \"project.zip\"}";

    @DbTest
    void aTicketOpensItsStreamOnceAndIsAudited(TestDatabase db) throws Exception {
        try (TestApp app = TestApp.start(db)) {
            Operators.Issued operator = Operators.token(app, "console", "operator");
            Http.Response issued = app.http.post("/api/v1/stream-tickets", "{\"path\": \"" + EVENTS + "\"}",
                    operator.bearer()[0], operator.bearer()[1], "X-Request-Id", "ticket-1");
            assertThat(issued.status()).as(issued.body()).isEqualTo(201);
            JsonNode data = issued.json().get("data");
            String ticket = data.get("ticket").asText();
            assertThat(ticket).startsWith("vst_");
            assertThat(data.get("path").asText()).isEqualTo(EVENTS);
            assertThat(data.get("expiresAt").asText()).isNotBlank();

            assertThat(openStatus(app, EVENTS + "?ticket=" + ticket)).isEqualTo(200);
            Http.Response again = app.http.get(EVENTS + "?ticket=" + ticket);
            Operators.assertError(again, 401, null);
            assertThat(again.body()).doesNotContain(ticket);

            JsonNode entry = Operators.entryFor(app, "ticket-1");
            assertThat(entry.get("actorId").asText()).isEqualTo(operator.id());
            assertThat(entry.get("action").asText()).isEqualTo("POST /api/v1/stream-tickets");
            assertThat(entry.get("target").asText()).isEqualTo("stream:" + EVENTS);
            // Only the ticket's hash is stored.
            long plain = app.app().database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT COUNT(*) FROM stream_tickets WHERE ticket_sha256 = :t").bind("t", ticket)
                    .mapTo(Long.class).one());
            assertThat(plain).isZero();
        }
    }

    @DbTest
    void aTicketIsForItsOwnStreamAndGrantsNothingItsTokenLacks(TestDatabase db) throws Exception {
        try (TestApp app = TestApp.start(db)) {
            String jobId = app.http.post("/api/jobs/create", JOB, TestApp.admin()).json().get("jobId").asText();
            String jobStream = "/api/jobs/" + jobId + "/events";
            // Issued for the job's stream, presented on the event stream: refused, and spent.
            String forJob = ticket(app, jobStream, TestApp.admin());
            Operators.assertError(app.http.get(EVENTS + "?ticket=" + forJob), 401, null);
            assertThat(openStatus(app, jobStream + "?ticket=" + forJob)).isEqualTo(401);
            assertThat(openStatus(app, jobStream + "?ticket=" + ticket(app, jobStream, TestApp.admin())))
                    .isEqualTo(200);

            // A submitter may ask for a ticket, but the operator stream still needs the operator role.
            Operators.Issued submitter = Operators.token(app, "submitter", "submitter");
            Operators.assertError(app.http.get(EVENTS + "?ticket=" + ticket(app, EVENTS, submitter.bearer())), 403,
                    null);

            // A token revoked after asking: its ticket acts for nobody.
            Operators.Issued operator = Operators.token(app, "soon-revoked", "operator");
            String before = ticket(app, EVENTS, operator.bearer());
            assertThat(Operators.revoke(app, operator.id(), TestApp.admin()).status()).isEqualTo(200);
            Operators.assertError(app.http.get(EVENTS + "?ticket=" + before), 401, null);

            // Tickets come only for streams, only to callers with a token in the header.
            Http.Response bad = app.http.post("/api/v1/stream-tickets", "{\"path\": \"/api/v1/tokens\"}",
                    TestApp.admin());
            Operators.assertError(bad, 400, null);
            assertThat(bad.body()).contains("path");
            Operators.assertError(app.http.post("/api/v1/stream-tickets", "{}", TestApp.admin()), 400, null);
            Operators.assertError(app.http.post("/api/v1/stream-tickets", "{\"path\": \"" + EVENTS + "\"}"), 401,
                    null);
            Operators.assertError(app.http.post("/api/v1/stream-tickets", "{\"path\": \"" + EVENTS + "\"}",
                    TestApp.worker()), 403, null);
            Operators.assertError(app.http.get(EVENTS + "?ticket=vst_made-up"), 401, null);
        }
    }

    @DbTest
    void aTicketExpires(TestDatabase db) {
        MutableClock clock = new MutableClock();
        try (TestApp app = TestApp.start(db, Map.of(), clock)) {
            String ticket = ticket(app, EVENTS, TestApp.admin());
            clock.advance(Duration.ofSeconds(31));
            Operators.assertError(app.http.get(EVENTS + "?ticket=" + ticket), 401, null);
            app.app().database().jdbi().useHandle(h -> assertThat(h.createQuery(
                    "SELECT COUNT(*) FROM stream_tickets").mapTo(Long.class).one()).isZero());
        }
    }

    @DbTest
    void aTicketIssuedByOneNodeOpensAStreamOnAnother(TestDatabase db) throws Exception {
        try (TestApp a = TestApp.start(db); TestApp b = TestApp.start(db)) {
            String ticket = ticket(a, EVENTS, TestApp.admin());
            assertThat(openStatus(b, EVENTS + "?ticket=" + ticket)).isEqualTo(200);
            Operators.assertError(a.http.get(EVENTS + "?ticket=" + ticket), 401, null);
        }
    }

    static String ticket(TestApp app, String path, String... auth) {
        Http.Response r = app.http.post("/api/v1/stream-tickets", "{\"path\": \"" + path + "\"}", auth);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("data").get("ticket").asText();
    }

    /** Opens a stream, reads its first bytes when it is one, and closes it: its status. */
    static int openStatus(TestApp app, String path) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(URI.create(app.http.base() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            if (r.statusCode() == 200) {
                assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
                byte[] first = in.readNBytes(5);
                assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("retry");
            }
        }
        return r.statusCode();
    }
}
