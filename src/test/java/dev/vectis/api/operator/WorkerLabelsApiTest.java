package dev.vectis.api.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.util.List;

/** PUT and GET /api/v1/fleet/workers/{id}/labels: the whole set at once, checked, with the admin token. */
class WorkerLabelsApiTest {

    private static final String PATH = "/api/v1/fleet/workers/w1/labels";

    @DbTest
    void anOperatorSetsAndReadsAWorkersLabels(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            register(app, "w1", "{\"os\":\"linux\"}");
            Http.Response shown = app.http.get(PATH, TestApp.admin());
            assertThat(shown.status()).isEqualTo(200);
            assertThat(shown.body())
                    .isEqualTo("{\"success\":true,\"data\":{\"workerId\":\"w1\",\"labels\":{\"os\":\"linux\"}}}");

            Http.Response put = put(app, PATH, "{\"os\":\"linux\",\"gpu\":\"true\"}");
            assertThat(put.status()).isEqualTo(200);
            assertThat(put.json().at("/data/labels/gpu").asText()).isEqualTo("true");
            assertThat(app.http.get(PATH, TestApp.admin()).json().at("/data/labels").size()).isEqualTo(2);
            assertThat(events(app, "worker.labels")).isEqualTo(1);

            assertThat(put(app, PATH, "{\"os\":\"linux\",\"gpu\":\"true\"}").status()).isEqualTo(200);
            assertThat(events(app, "worker.labels")).as("no change, no event").isEqualTo(1);

            assertThat(put(app, PATH, "{}").json().at("/data/labels").size()).as("{} removes them all").isZero();
            assertThat(app.app().features().workers().labels().get("w1").isEmpty()).isTrue();
        }
    }

    @DbTest
    void badLabelsAre400sNamingLabelsAndNothingChanges(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            register(app, "w1", "{\"os\":\"linux\"}");
            for (String bad : List.of("[]", "\"os=linux\"", "{\"os\":true}", "{\"os\":\"a b\"}", "{\"o s\":\"x\"}",
                    "{\"os\":\"" + "x".repeat(64) + "\"}", "{\"os\":", "", manyLabels())) {
                Http.Response r = put(app, PATH, bad);
                assertThat(r.status()).as(bad).isEqualTo(400);
                JsonNode body = r.json();
                assertThat(body.get("success").asBoolean()).isFalse();
                assertThat(body.get("code").asText()).isIn("INVALID_REQUEST", "VALIDATION_FAILED");
                assertThat(body.get("error").asText()).as(bad).startsWith("labels");
            }
            assertThat(app.app().features().workers().labels().get("w1").canonical()).isEqualTo("os=linux");
        }
    }

    @DbTest
    void anUnknownWorkerIs404AndOnlyTheAdminMaySetLabels(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            Http.Response missing = put(app, "/api/v1/fleet/workers/nobody/labels", "{\"os\":\"linux\"}");
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.json().get("code").asText()).isEqualTo("WORKER_NOT_FOUND");
            assertThat(app.http.get("/api/v1/fleet/workers/nobody/labels", TestApp.admin()).status()).isEqualTo(404);

            register(app, "w1", null);
            assertThat(app.http.method("PUT", PATH, "{\"os\":\"linux\"}", "Content-Type", "application/json")
                    .status()).isEqualTo(401);
            assertThat(app.http.method("PUT", PATH, "{\"os\":\"linux\"}", "Content-Type", "application/json",
                    TestApp.worker()[0], TestApp.worker()[1]).status()).isIn(401, 403);
            assertThat(app.http.get(PATH).status()).isEqualTo(401);
        }
    }

    static void register(TestApp app, String id, String labels) {
        Http.Response r = app.http.post("/api/workers/register", "{\"workerId\":\"" + id + "\",\"hostname\":\"" + id
                + "\"" + (labels == null ? "" : ",\"labels\":" + labels) + "}", TestApp.worker());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    private static Http.Response put(TestApp app, String path, String body) {
        return app.http.method("PUT", path, body, "Content-Type", "application/json", TestApp.admin()[0],
                TestApp.admin()[1]);
    }

    private static int events(TestApp app, String type) {
        return app.app().database().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM events WHERE type = :t")
                .bind("t", type).mapTo(Integer.class).one());
    }

    private static String manyLabels() {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < 17; i++) {
            out.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
        }
        return out.append('}').toString();
    }
}
