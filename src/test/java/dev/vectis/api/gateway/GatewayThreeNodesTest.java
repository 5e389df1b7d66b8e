package dev.vectis.api.gateway;

import static dev.vectis.api.gateway.Gateway.STATUS_CHANGED_BODY;
import static dev.vectis.api.gateway.Gateway.UNREGISTERED;
import static dev.vectis.api.gateway.Gateway.WORKER;
import static dev.vectis.api.gateway.Gateway.assertError;
import static dev.vectis.api.gateway.Gateway.assertJson;
import static org.awaitility.Awaitility.await;

import dev.vectis.testing.DbTest;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** Three nodes on one PostgreSQL database: what one node removes, the others stop trusting from memory. */
class GatewayThreeNodesTest {

    @DbTest
    void aWorkerUnregisteredOnAIsForgottenOnBAndC(TestDatabase db) {
        Assumptions.assumeTrue(db.isPostgres(), "notifications between nodes are PostgreSQL's");
        try (TestApp a = TestApp.start(db); TestApp b = TestApp.start(db); TestApp c = TestApp.start(db)) {
            Gateway.registerOk(a, WORKER, "http://localhost:8001");
            // B and C now know the worker, and would trust that for a minute without asking again.
            Gateway.eventOk(b, WORKER, STATUS_CHANGED_BODY);
            Gateway.eventOk(c, WORKER, STATUS_CHANGED_BODY);

            assertJson(Gateway.unregister(a, WORKER), 200, UNREGISTERED);
            for (TestApp node : List.of(b, c)) {
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> Gateway.event(node, WORKER, STATUS_CHANGED_BODY).status() == 404);
                assertError(Gateway.event(node, WORKER, STATUS_CHANGED_BODY), 404, "WORKER_NOT_REGISTERED", null);
            }
        }
    }
}
