package dev.vectis.api.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;

/** GET /admin/vps-sessions?workerId=: the sessions placed on one worker, as the console's worker page lists them. */
class AdminSessionListTest {

    @DbTest
    void workerIdNarrowsTheListToThatWorkersSessions(TestDatabase db) {
        try (FakeVmWorker a = FakeVmWorker.start(); FakeVmWorker b = FakeVmWorker.start();
             TestApp app = Market.start(db)) {
            String workerA = Market.worker(app, a, 3);
            String workerB = Market.worker(app, b, 3);
            String onA = Market.product(app, "On A", 1, workerA);
            String onB = Market.product(app, "On B", 1, workerB);
            String token = Market.user(app, "two@example.com", 10).get("token").asText();
            String first = Market.bought(app, token, "k1", onA).get("id").asText();
            String second = Market.bought(app, token, "k2", onA).get("id").asText();
            String other = Market.bought(app, token, "k3", onB).get("id").asText();

            JsonNode all = list(app, "");
            assertThat(all.get("count").asInt()).isEqualTo(3);
            JsonNode narrowed = list(app, "?workerId=" + workerA);
            assertThat(narrowed.get("count").asInt()).isEqualTo(2);
            assertThat(narrowed.get("sessions")).extracting(s -> s.get("id").asText()).containsExactly(second, first);
            assertThat(narrowed.get("sessions")).extracting(s -> s.get("worker_id").asText()).containsOnly(workerA);
            JsonNode paged = list(app, "?workerId=" + workerA + "&limit=1");
            assertThat(paged.get("sessions")).extracting(s -> s.get("id").asText()).containsExactly(second);
            JsonNode next = list(app, "?workerId=" + workerA + "&limit=1&cursor=" + paged.get("next_cursor").asText());
            assertThat(next.get("sessions")).extracting(s -> s.get("id").asText()).containsExactly(first);
            assertThat(list(app, "?workerId=" + workerB).get("sessions")).extracting(s -> s.get("id").asText())
                    .containsExactly(other);
            assertThat(list(app, "?workerId=nobody&status=pending").get("count").asInt()).isZero();

            Http.Response tooLong = app.http.get("/admin/vps-sessions?workerId=" + "w".repeat(201), TestApp.admin());
            assertThat(tooLong.status()).as(tooLong.body()).isEqualTo(400);
            assertThat(tooLong.json().get("field").asText()).isEqualTo("workerId");
        }
    }

    private static JsonNode list(TestApp app, String query) {
        Http.Response r = app.http.get("/admin/vps-sessions" + query, TestApp.admin());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }
}
