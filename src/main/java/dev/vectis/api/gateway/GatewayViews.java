package dev.vectis.api.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The envelopes of session-worker-gateway.md and the bodies a chat-session worker receives. */
final class GatewayViews {

    private GatewayViews() {
    }

    /** {@code {"success": true, "message": ...}}: the answer to events, webhooks and unregistering. */
    record Message(boolean success, String message) {
    }

    record Registered(String workerId, String status, List<String> assignedSessions, String message) {
    }

    record Acknowledged(String workerId, String status, List<Command> commands) {
    }

    /** payload is the queued JSON, or its text when it does not parse. */
    record Command(String id, String type, JsonNode payload, String createdAt) {
    }
}
