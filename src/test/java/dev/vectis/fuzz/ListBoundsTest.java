package dev.vectis.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vectis.testing.DbTest;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Every list or map a request carries has a bound; past it the answer is a 400 naming the field, in the contract's shape. */
class ListBoundsTest {

    @DbTest
    void aProductListsAtMostAHundredWorkers(TestDatabase db) {
        try (TestApp app = FuzzTest.start(db)) {
            Fixtures f = Fixtures.create(app);
            ObjectNode body = FuzzTable.obj("name", "Many hosts", "price_coins", 1, "provision_action", 3);
            body.set("worker_ids", Hostile.strings(200_000, "w"));
            RawClient.Answer created = send(app, "POST", "/admin/vps-products", body, TestApp.ADMIN_TOKEN);
            assertThat(created.status()).as("%s", created).isEqualTo(400);
            assertThat(json(created).get("field").asText()).isEqualTo("worker_ids");
            assertThat(json(created).get("message").asText()).contains("at most 100");

            ArrayNode hundredAndOne = Hostile.strings(100, "w");
            hundredAndOne.add(f.marketWorker);
            body.set("worker_ids", hundredAndOne);
            RawClient.Answer patched = send(app, "PATCH", "/admin/vps-products/" + f.product, body,
                    TestApp.ADMIN_TOKEN);
            assertThat(patched.status()).as("%s", patched).isEqualTo(400);
            assertThat(json(patched).get("field").asText()).isEqualTo("worker_ids");

            ArrayNode hundred = Hostile.strings(0, "w");
            for (int i = 0; i < 100; i++) {
                hundred.add(f.marketWorker);
            }
            body.set("worker_ids", hundred);
            RawClient.Answer atTheBound = send(app, "POST", "/admin/vps-products", body, TestApp.ADMIN_TOKEN);
            assertThat(atTheBound.status()).as("100 entries are allowed: %s", atTheBound).isEqualTo(201);
        }
    }

    @DbTest
    void aChatEventsDataIsBounded(TestDatabase db) {
        try (TestApp app = FuzzTest.start(db)) {
            Fixtures.create(app);
            ObjectNode many = FuzzTable.obj("event", "session_connected", "sessionId", Fixtures.CHAT_SESSION,
                    "workerId", Fixtures.GATEWAY_WORKER);
            ObjectNode data = many.putObject("data");
            for (int i = 0; i < 101; i++) {
                data.put("k" + i, i);
            }
            RawClient.Answer wide = send(app, "POST", "/api/v1/workers/" + Fixtures.GATEWAY_WORKER + "/events", many,
                    TestApp.WORKER_TOKEN);
            assertThat(wide.status()).as("%s", wide).isEqualTo(400);
            assertThat(json(wide).get("error").asText()).contains("data").contains("100 fields");
            assertThat(json(wide).get("code").asText()).as("the gateway's shape").isEqualTo("INVALID_REQUEST");

            ObjectNode big = FuzzTable.obj("event", "session_connected", "sessionId", Fixtures.CHAT_SESSION,
                    "workerId", Fixtures.GATEWAY_WORKER);
            big.putObject("data").set("list", Hostile.strings(150_000, "item"));
            RawClient.Answer large = send(app, "POST", "/api/v1/webhooks/session-status", big, TestApp.WORKER_TOKEN);
            assertThat(large.status()).as("%s", large).isEqualTo(400);
            assertThat(json(large).get("error").asText()).contains("data");
        }
    }

    @DbTest
    void anUploadHasABoundedNumberOfParts(TestDatabase db) {
        try (TestApp app = FuzzTest.start(db)) {
            Fixtures f = Fixtures.create(app);
            assertThat(upload(app, f, 1000).status()).as("1,000 parts are read").isEqualTo(200);
            RawClient.Answer a = upload(app, f, 1001);
            assertThat(a.status()).as("%s", a).isEqualTo(400);
            assertThat(json(a).get("statusCode").asInt()).as("the executor's shape").isEqualTo(400);
        }
    }

    private static RawClient.Answer upload(TestApp app, Fixtures f, int partsInAll) {
        List<Multipart.Part> parts = new ArrayList<>(Multipart.execute(f.zip));
        for (int i = parts.size(); i < partsInAll; i++) {
            parts.add(Multipart.Part.field("extra" + i, "x"));
        }
        return new RawClient(app.app().port(), 30_000).send(new FuzzRequest("POST", "/api/execute",
                List.of(new String[] {"Authorization", "Bearer " + TestApp.ADMIN_TOKEN},
                        new String[] {"Content-Type", "multipart/form-data; boundary=" + Multipart.BOUNDARY}),
                Multipart.encode(parts), "parts"));
    }

    private static RawClient.Answer send(TestApp app, String method, String path, JsonNode body, String token) {
        return new RawClient(app.app().port(), 30_000).send(new FuzzRequest(method, path, List.of(
                new String[] {"Authorization", "Bearer " + token}, new String[] {"Content-Type", "application/json"}),
                body.toString().getBytes(StandardCharsets.UTF_8), "bounds"));
    }

    private static JsonNode json(RawClient.Answer a) {
        try {
            return Fixtures.MAPPER.readTree(a.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + a, e);
        }
    }
}
