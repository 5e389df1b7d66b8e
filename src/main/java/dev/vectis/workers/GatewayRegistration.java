package dev.vectis.workers;

/** What a chat-session worker says about itself (session-worker-gateway.md, "Worker Registration"). */
public record GatewayRegistration(String workerId, String endpoint, int maxSessions, String description, String status,
                                  String version, String environment) {
}
