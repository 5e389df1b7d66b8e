package dev.vectis.api.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/** The labels extension of the command-executor contract: on register, create and execute; routing by them. */
class ExecutorLabelsTest {

    @DbTest
    void aLabelledJobGoesOnlyToTheWorkerCarryingItsLabels(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            register(app, "plain", null);
            register(app, "gpu", "{\"gpu\":\"true\",\"os\":\"linux\"}");
            String labelled = create(app, ",\"labels\":{\"gpu\":\"true\"}");

            Http.Response plainPoll = poll(app, "plain");
            assertThat(plainPoll.status()).isEqualTo(202);
            Http.Response gpuPoll = poll(app, "gpu");
            assertThat(gpuPoll.status()).isEqualTo(200);
            assertThat(gpuPoll.json().at("/job/jobId").asText()).isEqualTo(labelled);

            String any = create(app, "");
            assertThat(poll(app, "plain").json().at("/job/jobId").asText()).isEqualTo(any);

            JsonNode status = app.http.get("/api/jobs/status?jobId=" + labelled, TestApp.admin()).json();
            assertThat(status.get("labels").get("gpu").asText()).isEqualTo("true");
            assertThat(app.http.get("/api/jobs/status?jobId=" + any, TestApp.admin()).json().has("labels"))
                    .as("a job without labels keeps the spec's keys").isFalse();
        }
    }

    @DbTest
    void invalidLabelsAre400sInTheContractsShapeNamingLabels(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            for (String bad : List.of("[\"gpu\"]", "\"gpu=true\"", "{\"gpu\":true}", "{\"gpu\":\"\"}",
                    "{\"g/p u\":\"x\"}", "{\"gpu\":{\"a\":\"b\"}}")) {
                Http.Response r = app.http.post("/api/jobs/create", "{\"command\":\"echo\","
                        + "\"fileUrl\":\"/uploads/x.zip\",\"filename\":\"x.zip\",\"labels\":" + bad + "}",
                        TestApp.admin());
                assertThat(r.status()).as(bad).isEqualTo(400);
                assertThat(r.json().get("statusCode").asInt()).isEqualTo(400);
                assertThat(r.json().get("error").asText()).as(bad).startsWith("labels");
                Http.Response reg = app.http.post("/api/workers/register", "{\"workerId\":\"w\",\"hostname\":\"w\","
                        + "\"labels\":" + bad + "}", TestApp.worker());
                assertThat(reg.status()).as(bad).isEqualTo(400);
                assertThat(reg.json().get("error").asText()).startsWith("labels");
            }
            assertThat(app.http.get("/api/jobs/create", TestApp.admin()).json().get("count").asInt()).isZero();
            assertThat(execute(app, "gpu").status()).isEqualTo(400);
            assertThat(execute(app, "gpu").json().get("error").asText()).startsWith("labels");
        }
    }

    @DbTest
    void executeTakesLabelsAsPairsOrJson(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            for (String labels : List.of("os=linux,gpu=true", "{\"gpu\":\"true\",\"os\":\"linux\"}")) {
                Http.Response r = execute(app, labels);
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                JsonNode status = app.http.get("/api/jobs/status?jobId=" + r.json().get("jobId").asText(),
                        TestApp.admin()).json();
                assertThat(status.get("labels").toString()).isEqualTo("{\"gpu\":\"true\",\"os\":\"linux\"}");
            }
        }
    }

    private static void register(TestApp app, String id, String labels) {
        Http.Response r = app.http.post("/api/workers/register", "{\"workerId\":\"" + id + "\",\"hostname\":\"" + id
                + "\"" + (labels == null ? "" : ",\"labels\":" + labels) + "}", TestApp.worker());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().has("heartbeatIntervalSeconds")).as("unsigned: the spec's body").isFalse();
    }

    private static String create(TestApp app, String extra) {
        Http.Response r = app.http.post("/api/jobs/create", "{\"command\":\"echo\",\"fileUrl\":\"/uploads/x.zip\","
                + "\"filename\":\"x.zip\"" + extra + "}", TestApp.admin());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("jobId").asText();
    }

    private static Http.Response poll(TestApp app, String worker) {
        return app.http.get("/api/jobs/get-job?workerId=" + worker, TestApp.worker());
    }

    private static Http.Response execute(TestApp app, String labels) {
        String boundary = "----vectis-test-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"commands\"\r\n\r\necho hi\r\n");
        write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"mode\"\r\n\r\ndistributed\r\n");
        write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"labels\"\r\n\r\n" + labels + "\r\n");
        write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.zip\"\r\n"
                + "Content-Type: application/zip\r\n\r\n");
        body.writeBytes(new byte[] {'P', 'K', 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        write(body, "\r\n--" + boundary + "--\r\n");
        return app.http.send(app.http.request("/api/execute", TestApp.admin())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }
}
