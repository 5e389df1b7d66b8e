package dev.vectis.api.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vectis.testing.DbTest;
import dev.vectis.testing.Http;
import dev.vectis.testing.TestApp;
import dev.vectis.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Every route that changes something is either an operator's, and then each call to it is in
 * the audit log, or it is listed below as a worker's, a user's, a provider's or an enrolling
 * machine's, and then none is. A new route fails here until it is one or the other.
 */
class AuditCoverageTest {

    /** State-changing routes whose callers are not operators. */
    private static final Set<String> NOT_OPERATORS = Set.of(
            // fleet-registration.md: a machine enrolling
            "POST /api/v1/workers",
            // session-worker-gateway.md: chat workers
            "POST /api/v1/workers/register", "PUT /api/v1/workers/{workerId}/heartbeat",
            "POST /api/v1/workers/{workerId}/events", "DELETE /api/v1/workers/{workerId}",
            "POST /api/v1/webhooks/session-status", "POST /api/v1/webhooks/message-status",
            // command-executor.md: agents
            "POST /api/workers/register", "POST /api/workers/heartbeat", "POST /api/jobs/submit-result",
            "PUT /api/jobs/submit-result", "POST /api/jobs/stream-output", "POST /api/workers/leave",
            // provider-registry.md: providers themselves
            "POST /api/v1/registration/register", "POST /api/v1/registration/auth",
            "PATCH /api/v1/registration/profile", "POST /api/v1/registration/refresh",
            "POST /api/v1/registration/rotate-key",
            // vps-marketplace.md: users
            "POST /auth/login", "POST /auth/logout", "DELETE /me/tokens", "POST /vps/purchase-and-create",
            "DELETE /vps/sessions/{sessionId}");

    @DbTest
    void everyStateChangingOperatorRouteWritesOneEntryPerCall(TestDatabase db) {
        try (TestApp app = TestApp.start(db)) {
            List<String> unaudited = new ArrayList<>();
            List<String> auditedThoughListed = new ArrayList<>();
            int n = 0;
            for (String route : app.app().routes()) {
                String method = route.substring(0, route.indexOf(' '));
                if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
                    continue;
                }
                String path = route.substring(route.indexOf(' ') + 1).replaceAll("\\{[^}/]+}", "audit-x");
                String requestId = "coverage-" + n++;
                // Called with the admin token and a body that is no use to anyone: refused or not,
                // an operator's call is audited, and nothing of consequence changes.
                Http.Response r = app.http.method(method, path, "{}", TestApp.admin()[0], TestApp.admin()[1],
                        "Content-Type", "application/json", "X-Request-Id", requestId);
                long entries = entries(app, requestId);
                if (NOT_OPERATORS.contains(route)) {
                    if (entries != 0) {
                        auditedThoughListed.add(route + " -> " + r.status());
                    }
                } else if (entries != 1) {
                    unaudited.add(route + " -> " + r.status() + ", " + entries + " entries");
                }
            }
            assertThat(n).as("state-changing routes called").isGreaterThan(NOT_OPERATORS.size());
            assertThat(unaudited).as("operator routes without exactly one audit entry per call").isEmpty();
            assertThat(auditedThoughListed).as("routes listed as not operators' that wrote audit entries").isEmpty();
        }
    }

    private static long entries(TestApp app, String requestId) {
        return app.app().database().jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM audit_log WHERE request_id = :r").bind("r", requestId).mapTo(Long.class).one());
    }
}
