package dev.vectis.sessions;

import java.util.Map;

/**
 * One event from a chat-session worker, from any of its three doors: the events endpoint
 * or the two webhooks ({@code source}). {@code data} may be empty, never null.
 */
public record GatewayEvent(String source, String event, String workerId, String sessionId,
                           Map<String, Object> data, String timestamp) {
}
