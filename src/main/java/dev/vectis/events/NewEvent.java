package dev.vectis.events;

import java.util.Map;

/** An event to append. {@code dedupKey} (nullable) makes a retried delivery count once. */
public record NewEvent(String type, String source, String workerId, String sessionId, String messageId,
                       boolean known, Map<String, Object> data, String dedupKey) {

    public static NewEvent of(String type, String source, String workerId, Map<String, Object> data) {
        return new NewEvent(type, source, workerId, null, null, true, data, null);
    }
}
