package dev.vectis.events;

/** A stored event; {@code data} is a JSON object. */
public record Event(long id, String type, String source, String workerId, String sessionId, String messageId,
                    boolean known, String data, long createdAt) {
}
