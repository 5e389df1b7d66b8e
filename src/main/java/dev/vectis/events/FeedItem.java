package dev.vectis.events;

/**
 * One stored entry of a log that streams send: the subject it belongs to ({@code key}: a
 * session id, a job id), its id (the SSE id), event name and JSON data.
 */
public record FeedItem(String key, long id, String event, String data) {
}
